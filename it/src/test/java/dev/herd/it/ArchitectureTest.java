package dev.herd.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The map in docs/architecture.md, enforced: pure cores do no I/O; modules import only downwards. */
class ArchitectureTest {
    private static final JavaClasses HERD = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.herd");

    @Test
    void quorumCoreDoesNoIoAndReadsNoClock() {
        noClasses().that().resideInAPackage("dev.herd.quorum..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..",
                        "java.util.concurrent..", "org.slf4j..", "org.jgroups..", "io.javalin..")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callConstructor(java.util.Random.class)
                .orShould().callConstructor(Thread.class, Runnable.class)
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .because("the quorum engine is a pure core (DESIGN.md §5): time and input are parameters")
                .check(HERD);
    }

    @Test
    void confdbCoreDoesNoIoAndReadsNoClock() {
        noClasses().that().resideInAPackage("dev.herd.confdb..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.sql..",
                        "java.util.concurrent..", "java.util.logging..", "org.slf4j..", "org.jgroups..", "io.javalin..", "org.sqlite..")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callConstructor(java.util.Random.class)
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .because("confdb's replication core is pure (DESIGN.md §5): the driver does the I/O")
                .check(HERD);
    }

    @Test
    void confdbDependsOnNoOtherHerdModule() {
        noClasses().that().resideInAPackage("dev.herd.confdb..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.herd.quorum..", "dev.herd.cluster..",
                        "dev.herd.api..", "dev.herd.daemon..", "dev.herd.cli..")
                .check(HERD);
    }

    @Test
    void haCoreDoesNoIoAndReadsNoClock() {
        noClasses().that().resideInAPackage("dev.herd.ha..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.sql..",
                        "java.util.concurrent..", "java.util.logging..", "org.slf4j..", "org.jgroups..", "io.javalin..")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callConstructor(java.util.Random.class)
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .because("the CRM/LRM core and its simulator are pure (DESIGN.md §5): drivers do the I/O")
                .check(HERD);
    }

    @Test
    void haDependsOnNoOtherHerdModule() {
        noClasses().that().resideInAPackage("dev.herd.ha..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.herd.quorum..", "dev.herd.cluster..",
                        "dev.herd.confdb..", "dev.herd.api..", "dev.herd.daemon..", "dev.herd.cli..")
                .check(HERD);
    }

    @Test
    void quorumDependsOnNoOtherHerdModule() {
        noClasses().that().resideInAPackage("dev.herd.quorum..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.herd.cluster..", "dev.herd.api..",
                        "dev.herd.daemon..", "dev.herd.cli..")
                .check(HERD);
    }

    @Test
    void clusterTransportKnowsNothingOfDaemonApiOrCli() {
        noClasses().that().resideInAPackage("dev.herd.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.herd.daemon..", "dev.herd.api..",
                        "dev.herd.cli..")
                .check(HERD);
    }

    @Test
    void apiTypesKnowNeitherDaemonNorCli() {
        noClasses().that().resideInAPackage("dev.herd.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.herd.daemon..", "dev.herd.cli..",
                        "dev.herd.cluster..", "io.javalin..")
                .check(HERD);
    }

    @Test
    void daemonDoesNotDependOnTheCli() {
        noClasses().that().resideInAPackage("dev.herd.daemon..")
                .should().dependOnClassesThat().resideInAPackage("dev.herd.cli..")
                .check(HERD);
    }
}
