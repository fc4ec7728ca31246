package routes.normalize;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyslogParserTest {

    private static final Instant JAN_2 = Instant.parse("2027-01-02T00:00:00Z");
    private final SyslogParser utc = new SyslogParser(ZoneOffset.UTC);

    @Test
    void anRfc3164DateMoreThanADayAheadIsLastYears() {
        Instant dec2 = Instant.parse("2026-12-02T12:00:00Z");
        assertThat(utc.parse("<13>Dec 10 08:00:00 host app: x", dec2).timestamp())
                .isEqualTo(Instant.parse("2025-12-10T08:00:00Z"));
        assertThat(utc.parse("<13>Dec  3 06:00:00 host app: a sender a few hours ahead", dec2).timestamp())
                .isEqualTo(Instant.parse("2026-12-03T06:00:00Z"));
        assertThat(utc.parse("<13>Jan  1 00:00:05 host app: x", Instant.parse("2026-12-31T23:59:59Z")).timestamp())
                .isEqualTo(Instant.parse("2027-01-01T00:00:05Z"));
        assertThat(utc.parse("<13>Dec 31 23:59:59 host app: x", Instant.parse("2027-01-01T00:00:05Z")).timestamp())
                .isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
        assertThat(utc.parse("<13>Dec  3 10:00:00 host app: x", dec2).timestamp())
                .isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
    }

    @Test
    void rfc3164TimeReadInTheConfiguredZone() {
        SyslogParser paris = new SyslogParser(ZoneId.of("Europe/Paris"));
        SyslogMessage m = paris.parse("<13>Jul  4 12:00:00 host app: x", Instant.parse("2026-07-10T00:00:00Z"));
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2026-07-04T10:00:00Z"));
    }

    @Test
    void rfc3164DayPaddedWithASpaceWithAZeroOrNotAtAll() {
        Instant received = Instant.parse("2026-12-03T06:00:00Z");
        for (String day : new String[] {"Dec  3", "Dec 03", "Dec 3"}) {
            SyslogMessage m = utc.parse("<38>" + day + " 05:36:29 bastion sshd[4999]: Accepted password", received);
            assertThat(m.timestamp()).as(day).isEqualTo(Instant.parse("2026-12-03T05:36:29Z"));
            assertThat(m.hostname()).as(day).isEqualTo("bastion");
            assertThat(m.appName()).as(day).isEqualTo("sshd");
        }
    }

    @Test
    void aDecemberLineReceivedInJanuaryBelongsToTheYearBefore() {
        assertThat(utc.parse("Dec 31 23:59:00 host app: x", JAN_2).timestamp())
                .isEqualTo(Instant.parse("2026-12-31T23:59:00Z"));
    }

    @Test
    void aJanuaryLineReceivedInDecemberBelongsToTheYearAfter() {
        assertThat(utc.parse("Jan  1 00:00:05 host app: x", Instant.parse("2026-12-31T23:59:59Z")).timestamp())
                .isEqualTo(Instant.parse("2027-01-01T00:00:05Z"));
    }

    @Test
    void rfc5424NilValuesBecomeNull() {
        SyslogMessage m = utc.parse("<14>1 - - - - - -", JAN_2);
        assertThat(m.format()).isEqualTo("rfc5424");
        assertThat(m.timestamp()).isNull();
        assertThat(m.hostname()).isNull();
        assertThat(m.message()).isNull();
    }

    @Test
    void rfc5424ByteOrderMarkIsRemovedFromTheMessage() {
        assertThat(utc.parse("<14>1 - h a - - - \uFEFFtext", JAN_2).message()).isEqualTo("text");
    }

    @Test
    void rfc5424RepeatedParametersAreAllKept() {
        SyslogMessage m = utc.parse("<14>1 - h a - - [x@1 ip=\"1.1.1.1\" ip=\"2.2.2.2\"][y@2] msg", JAN_2);
        assertThat(m.structuredData()).hasSize(2);
        assertThat(m.structuredData().getFirst().params()).extracting(java.util.Map.Entry::getValue)
                .containsExactly("1.1.1.1", "2.2.2.2");
        assertThat(m.message()).isEqualTo("msg");
    }

    @Test
    void rfc5424GrammarErrorsNameTheColumn() {
        assertThatThrownBy(() -> utc.parse("<14>1 2026-11-23T10:00:00 h a - - - no zone", JAN_2))
                .isInstanceOf(SyslogParser.SyslogFormatException.class)
                .hasMessageContaining("timezone")
                .satisfies(e -> assertThat(((SyslogParser.SyslogFormatException) e).column()).isEqualTo(25));
        assertThatThrownBy(() -> utc.parse("<14>1 - " + "h".repeat(256) + " a - - - x", JAN_2))
                .hasMessageContaining("hostname longer than 255");
        assertThatThrownBy(() -> utc.parse("<14>1 - h a - - [x@1 k=\"v]\"] x", JAN_2))
                .hasMessageContaining("unescaped ']'");
    }

    @Test
    void priorityAbove191IsNotAPriority() {
        SyslogMessage m = utc.parse("<192>Nov 23 10:00:00 h app: x", JAN_2);
        assertThat(m.priority()).isNull();
        assertThat(m.format()).isEqualTo("none");
    }
}
