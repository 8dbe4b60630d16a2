package dev.herd.confdb;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The replication core is pure (DESIGN.md §5): the driver brings time, randomness, disk and network. */
class PurityTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.herd.confdb");

    @Test
    void confdbCoreDoesNoIoReadsNoClockAndStartsNoThread() {
        noClasses().that().resideInAPackage("dev.herd.confdb..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..",
                        "java.sql..", "java.util.concurrent..", "java.util.logging..", "org.slf4j..", "org.jgroups..")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callConstructor(java.util.Random.class)
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
                .orShould().dependOnClassesThat().resideInAnyPackage("dev.herd.cluster..", "dev.herd.daemon..",
                        "dev.herd.api..", "dev.herd.cli..")
                .because("confdb's replication core is pure: time, input and I/O belong to the driver")
                .check(CORE);
    }
}
