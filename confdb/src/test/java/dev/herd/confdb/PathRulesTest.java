package dev.herd.confdb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PathRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"guests/100.toml", "ha/resources.toml", "nodes/node2/x", "storage.cfg", "a-b_c.d"})
    void validPaths(String path) {
        assertThat(PathRules.problem(path, Limits.DEFAULTS)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/etc/pve         | is absolute",
        "guests/../x      | contains the segment '..'",
        "./x              | contains the segment '.'",
        "guests//100      | has an empty segment",
        "guests/          | has an empty segment",
        "guests/a b       | contains ' ' at index 8",
        "ha/résumé        | contains 'é'",
    })
    void invalidPathsSayWhy(String path, String why) {
        assertThat(PathRules.problem(path, Limits.DEFAULTS)).contains(why);
    }

    @Test
    void controlCharactersAreNamedNotPrinted() {
        assertThat(PathRules.problem("guests/1\n00", Limits.DEFAULTS))
                .isEqualTo("path \"guests/1\\u000a00\" contains control character U+000A at index 8");
        assertThat(PathRules.problem("", Limits.DEFAULTS)).isEqualTo("path is empty");
        assertThat(PathRules.problem("x".repeat(256), Limits.DEFAULTS))
                .isEqualTo("path is 256 characters long, more than the limit of 255");
    }

    @Test
    void subtrees() {
        assertThat(PathRules.isUnder("ha/resources.toml", "ha")).isTrue();
        assertThat(PathRules.isUnder("ha/resources.toml", "ha/")).isTrue();
        assertThat(PathRules.isUnder("hardware/x", "ha")).isFalse();
        assertThat(PathRules.isUnder("anything", "")).isTrue();
    }

    @Test
    void oversizedValuesAreRefusedAtSubmissionAndNothingChanges() {
        Harness h = new Harness(1);
        h.view();
        h.settle();
        Output out = h.submit(1, new Op.Set("big", new byte[Limits.MIB + 1], Op.ANY_VERSION), 1);
        assertThat(out.broadcast()).isEmpty();
        assertThat(((ClientResult.Refused) h.last(1)).reason())
                .isEqualTo("value of big is 1048577 bytes, more than the limit of 1048576 bytes per entry");
        assertThat(h.r(1).snapshot().version()).isZero();
    }

    @Test
    void theTotalLimitIsCheckedInTotalOrderSoEveryMemberRefusesAlike() {
        Limits small = new Limits(100, 150, 255, 8, 1_000);
        Store store = new Store(ConfdbState.EMPTY);
        assertThat(store.apply(new Op.Set("a", new byte[99], Op.ANY_VERSION), 1, small))
                .isInstanceOf(Store.Outcome.Done.class);
        assertThat(store.apply(new Op.Set("b", new byte[99], Op.ANY_VERSION), 1, small))
                .isEqualTo(new Store.Outcome.Rejected("store would hold 200 bytes, more than the limit of 150 bytes"
                        + " in total"));
        assertThat(store.apply(new Op.Set("a", new byte[10], Op.ANY_VERSION), 1, small)) // shrinking is fine
                .isInstanceOf(Store.Outcome.Done.class);
    }
}
