package routes.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Labelled evaluation sets made from public material, not from our own generator, for {@code caravan evaluate}:
 * <ul>
 *   <li>{@code ssh-*}: real auth logs of servers on the internet (loghub, elastic/examples, SecRepo), as they were,
 *   with their RFC 3164 times given their year ({@code 2005-06-09T06:06:20Z sshd[..]: ...}, a form syslog daemons
 *   write). Ground truth from attempts, independent of Caravan's rules ({@link #ssh}): five failed attempts from a
 *   source within ten minutes are {@code 1 bruteforce SOURCE}, a source's fewer or slower ones {@code 1
 *   bruteforce-slow SOURCE}.</li>
 *   <li>{@code web-injection}: a real web server's access log (elastic/examples, 10,000 lines of May 2015, laid end to
 *   end ten times with other client addresses, for 100,000 benign lines) with attack episodes laid into its timeline: a source sends 1 to 300 requests of one class (sqli, xss, cmdi, traversal), each
 *   a payload of the public lists (PayloadsAllTheThings, fuzzdb, SecLists) in a parameter, sent as tools send them
 *   (as written, percent-encoded or form-encoded), with browser, tool or library user agents.</li>
 *   <li>{@code web-scan}: the same log with content-discovery episodes: 20 to 600 requests for paths of public
 *   wordlists (SecLists, fuzzdb), mostly refused, fast or slow, with browser or scanner user agents.</li>
 * </ul>
 * In the web log, requests for software the site does not run (WordPress logins, phpMyAdmin, {@code .env}...) are
 * real probes, labelled {@code 1 probe}. Run: {@code java -cp TEST_CLASSPATH routes.bench.PublicEvaluationSets
 * DATA_DIR OUT_DIR [--seed N]}; DATA_DIR is laid out as the gathering notes say (README, "Measuring detection").
 */
public final class PublicEvaluationSets {

    private static final DateTimeFormatter ACCESS = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ENGLISH);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final Pattern SYSLOG_TIME = Pattern.compile("^([A-Z][a-z]{2}) +(\\d{1,2}) (\\d\\d:\\d\\d:\\d\\d) (.*)$");
    private static final Pattern ACCESS_LINE = Pattern.compile(
            "^(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] \"(\\S+) (\\S+)[^\"]*\" (\\d{3}) (\\S+)(?: \"([^\"]*)\" \"([^\"]*)\")?.*$");
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
            "Oct", "Nov", "Dec");
    private static final Pattern PROBE = Pattern.compile(
            "(?i)(wp-login|xmlrpc\\.php|wp-admin|phpmyadmin|/pma/|/\\.env|/\\.git/|/cgi-bin/|w00tw00t|setup\\.php"
                    + "|/admin\\.php|/manager/html|/HNAP1|/boaform|/\\.aws/)");

    private final Random random;
    private final Path data;
    private final Path out;

    private PublicEvaluationSets(Path data, Path out, long seed) {
        this.data = data;
        this.out = out;
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: PublicEvaluationSets DATA_DIR OUT_DIR [--seed N]");
            System.exit(2);
        }
        long seed = args.length >= 4 && args[2].equals("--seed") ? Long.parseLong(args[3]) : 1;
        PublicEvaluationSets sets = new PublicEvaluationSets(Path.of(args[0]), Path.of(args[1]), seed);
        Files.createDirectories(sets.out);
        sets.ssh("ssh-loghub-openssh", "sshd-loghub/OpenSSH/OpenSSH_2k.log", 2015);
        sets.ssh("ssh-loghub-linux", "syslog-linux-loghub-full/Linux.log", 2005);
        sets.ssh("ssh-elastic", "sshd-elastic-auth/auth.log", 2016);
        sets.ssh("ssh-secrepo", "sshd-secrepo-auth-gtkcyber/auth.log", 2015);
        sets.web();
    }

    /** One labelled line. */
    private record Line(Instant time, String text, String label) {
    }

    // ---- real sshd logs ----

    private static final Pattern PROGRAM = Pattern.compile("^(\\S+) ([\\w.-]+)(?:\\(pam_\\w+\\))?\\[(\\d+)\\]: (.*)$");
    /** A line that says one failed attempt, or more when repeated: sshd's, and other daemons' (klogind, ftpd). */
    private static final Pattern FAILED = Pattern.compile("^(?:Failed \\S+ for |Authentication failed from |"
            + ".*FAIL LOGIN|.*LOGIN FAILED|.*[Aa]uthentication failed for )");
    private static final Pattern REPEATED = Pattern.compile("^message repeated (\\d+) times: \\[ ?(.*?) ?\\]$");
    private static final Pattern SOURCE = Pattern.compile("(?:from |rhost=|\\[|by (?:invalid user \\S+ |authenticating"
            + " user \\S+ )?)(\\d{1,3}(?:\\.\\d{1,3}){3}|[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)+)");
    /** A line that tells of an attempt the process's own lines may also tell of: at least one attempt. */
    private static final Pattern PART = Pattern.compile("^(?:error: )?(?:[Ii]nvalid user|input_userauth_request: invalid"
            + " user|authentication failure;|check pass; user unknown|PAM \\d+ more authentication failure|"
            + "maximum authentication attempts exceeded|Disconnecting: Too many authentication failures)");

    /** One sshd process's failed attempts: who from, how many its own Failed lines say, and whether parts of one. */
    private static final class Connection {
        String source;
        int failed;
        boolean part;
        Instant first;
        Instant last;
        final List<Integer> lines = new ArrayList<>();

        int attempts() {
            return Math.max(failed, part ? 1 : 0);
        }
    }

    /**
     * A real auth log with its times given their years, and labels from attempts: one sshd (or klogind, ftpd...) process
     * is one connection (a pid's lines within ten minutes), its attempts what its failure lines say (a line repeated
     * six times is six), or one when it only wrote parts of one (Invalid user, PAM's failure, maximum attempts
     * exceeded). A source with five attempts within ten
     * minutes is brute forcing: those attempts' lines are {@code 1 bruteforce SOURCE}; its attempts outside such
     * bursts, and those of a source with five or more in the whole log but never five in ten minutes, are
     * {@code 1 bruteforce-slow SOURCE}; lines naming such a source outside any attempt take its nearest attempt's
     * class. Everything else is {@code 0}.
     */
    private void ssh(String name, String file, int firstYear) throws IOException {
        Path source = data.resolve(file);
        if (!Files.isRegularFile(source)) {
            System.out.println(name + ": " + source + " missing, skipped");
            return;
        }
        List<Line> lines = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        Map<String, Connection> open = new HashMap<>();
        List<Connection> connections = new ArrayList<>();
        int year = firstYear;
        int lastMonth = -1;
        for (String raw : Files.readAllLines(source, StandardCharsets.ISO_8859_1)) {
            String text = raw.replace("\r", "");
            Matcher time = SYSLOG_TIME.matcher(text);
            if (!time.matches()) {
                continue;
            }
            int month = MONTHS.indexOf(time.group(1));
            if (lastMonth >= 0 && month < lastMonth) {
                year++;
            }
            lastMonth = month;
            LocalDateTime at;
            try {
                at = LocalDateTime.parse(String.format(Locale.ROOT, "%04d-%02d-%02dT%s", year, month + 1,
                        Integer.parseInt(time.group(2)), time.group(3)));
            } catch (java.time.DateTimeException e) {
                continue; // Feb 29 of a year that has none: the log's year guess was wrong for this line
            }
            Instant instant = at.toInstant(ZoneOffset.UTC);
            int index = lines.size();
            lines.add(new Line(instant, ISO.format(at) + "Z " + time.group(4), "0"));
            Matcher sshd = PROGRAM.matcher(time.group(4));
            String named = null;
            if (sshd.matches()) {
                String message = sshd.group(4);
                int weight = 1;
                Matcher repeated = REPEATED.matcher(message);
                if (repeated.matches()) {
                    weight = Integer.parseInt(repeated.group(1));
                    message = repeated.group(2);
                }
                Matcher from = SOURCE.matcher(message);
                named = from.find() ? from.group(1) : null;
                boolean failed = FAILED.matcher(message).find();
                boolean part = PART.matcher(message).find();
                String key = sshd.group(1) + " " + sshd.group(2) + " " + sshd.group(3);
                Connection connection = open.get(key);
                if (connection != null && Duration.between(connection.last, instant).toMinutes() >= 10) {
                    connection = null;
                }
                if (connection == null && (failed || part)) {
                    connection = new Connection();
                    connection.first = instant;
                    open.put(key, connection);
                    connections.add(connection);
                }
                if (connection != null) {
                    connection.last = instant;
                    connection.lines.add(index);
                    connection.failed += failed ? weight : 0;
                    connection.part |= part;
                    if (named != null && (connection.source == null || !isAddress(connection.source)
                            && isAddress(named))) {
                        connection.source = named;
                    }
                }
            }
            sources.add(named);
        }
        Map<String, List<Connection>> bySource = new HashMap<>();
        for (Connection connection : connections) {
            if (connection.source != null && connection.attempts() > 0) {
                bySource.computeIfAbsent(connection.source, k -> new ArrayList<>()).add(connection);
            }
        }
        Map<String, List<Map.Entry<Instant, String>>> attemptsBySource = new HashMap<>();
        int fast = 0;
        int slow = 0;
        for (Map.Entry<String, List<Connection>> entry : bySource.entrySet()) {
            List<Connection> list = entry.getValue();
            int total = list.stream().mapToInt(Connection::attempts).sum();
            if (total < 5) {
                continue;
            }
            boolean anyFast = false;
            for (Connection connection : list) {
                int within = 0;
                for (Connection other : list) {
                    long apart = Math.abs(Duration.between(connection.first, other.first).toSeconds());
                    within += apart <= 600 ? other.attempts() : 0;
                }
                String label = (within >= 5 ? "1 bruteforce " : "1 bruteforce-slow ") + entry.getKey();
                anyFast |= within >= 5;
                for (int line : connection.lines) {
                    lines.set(line, new Line(lines.get(line).time(), lines.get(line).text(), label));
                }
                attemptsBySource.computeIfAbsent(entry.getKey(), k -> new ArrayList<>())
                        .add(Map.entry(connection.first, label));
            }
            fast += anyFast ? 1 : 0;
            slow += anyFast ? 0 : 1;
        }
        for (int i = 0; i < lines.size(); i++) {
            List<Map.Entry<Instant, String>> attempts = attemptsBySource.get(sources.get(i));
            if (attempts != null && lines.get(i).label().equals("0")) {
                Instant at = lines.get(i).time();
                String nearest = attempts.stream().min(Comparator.comparingLong(
                        a -> Math.abs(Duration.between(a.getKey(), at).toSeconds()))).orElseThrow().getValue();
                lines.set(i, new Line(at, lines.get(i).text(), nearest));
            }
        }
        write(name, lines, "real sshd/PAM log " + file + "; " + fast + " sources brute forcing (5 attempts in 10"
                + " minutes), " + slow + " only slowly");
    }

    private static boolean isAddress(String text) {
        return text.matches("\\d{1,3}(?:\\.\\d{1,3}){3}");
    }

    // ---- a real web log with attacks laid in ----

    private void web() throws IOException {
        Path log = data.resolve("benign-web/elastic-apache_logs.log");
        if (!Files.isRegularFile(log)) {
            System.out.println("web: " + log + " missing, skipped");
            return;
        }
        List<Line> benign = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<String> agents = new ArrayList<>();
        Set<String> clients = new HashSet<>();
        for (String text : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            Matcher m = ACCESS_LINE.matcher(text);
            if (!m.matches()) {
                continue;
            }
            Instant time = ZonedDateTime.parse(m.group(2), ACCESS).toInstant();
            benign.add(new Line(time, text, PROBE.matcher(m.group(4)).find() ? "1 probe" : "0"));
            String path = m.group(4);
            int query = path.indexOf('?');
            paths.add(query < 0 ? path : path.substring(0, query));
            if (m.group(8) != null && m.group(8).startsWith("Mozilla")) {
                agents.add(m.group(8));
            }
            clients.add(m.group(1));
        }
        benign.sort(Comparator.comparing(Line::time));
        benign = copies(benign, clients, COPIES);
        Instant start = benign.getFirst().time;
        Instant end = benign.getLast().time;
        List<String> tools = lines(data.resolve("discovery/SecLists/user-agents/security-analyser.txt"));
        tools.addAll(List.of("sqlmap/1.8.2#stable (https://sqlmap.org)", "python-requests/2.31.0", "curl/7.68.0",
                "Go-http-client/1.1", "Wget/1.21.2"));

        Map<String, List<String>> payloads = new LinkedHashMap<>();
        for (String kind : List.of("sqli", "xss", "cmdi", "traversal")) {
            payloads.put(kind, payloads(data.resolve("payloads/_merged/" + kind + ".txt")));
        }
        List<Line> injection = new ArrayList<>(benign);
        for (Map.Entry<String, List<String>> kind : payloads.entrySet()) {
            for (int e = 0; e < 40; e++) {
                String attacker = address(clients);
                int requests = size();
                long second = start.getEpochSecond() + (long) (random.nextDouble()
                        * (end.getEpochSecond() - start.getEpochSecond()));
                String agent = pick(random.nextDouble() < 0.4 ? agents : tools);
                String path = pick(paths);
                String parameter = pick(List.of("id", "q", "search", "page", "file", "cat", "user", "name", "url",
                        "lang", "item", "host"));
                double gap = random.nextDouble() < 0.5 ? 0.2 + random.nextDouble() : 2 + random.nextDouble() * 20;
                for (int r = 0; r < requests; r++) {
                    String payload = pick(kind.getValue()).replace("{FILE}", pick(List.of("etc/passwd",
                            "windows/win.ini", "etc/shadow", "boot.ini")));
                    String url = path + "?" + parameter + "=" + encoded(payload);
                    int status = pick(List.of(200, 200, 200, 500, 404, 403, 400));
                    injection.add(access(Instant.ofEpochSecond(second + (long) (r * gap)), attacker, "GET", url, status,
                            agent, "1 " + kind.getKey()));
                }
            }
        }
        injection.sort(Comparator.comparing(Line::time));
        write("web-injection", injection, "real access log elastic/examples apache_logs (" + COPIES + " copies) with"
                + " 160 injection episodes from public payload lists");

        List<String> words = lines(data.resolve("discovery/SecLists/web-content/common.txt"));
        words.addAll(lines(data.resolve("discovery/SecLists/web-content/raft-small-words.txt")));
        List<String> files = lines(data.resolve("discovery/fuzzdb/CGI_XPlatform.txt"));
        files.addAll(lines(data.resolve("discovery/fuzzdb/wordpress.txt")));
        files.addAll(lines(data.resolve("discovery/fuzzdb/shells.txt")));
        List<Line> scans = new ArrayList<>(benign);
        for (int e = 0; e < 60; e++) {
            String attacker = address(clients);
            int requests = 20 + random.nextInt(580);
            long second = start.getEpochSecond() + (long) (random.nextDouble()
                    * (end.getEpochSecond() - start.getEpochSecond()));
            boolean slow = random.nextDouble() < 0.3;
            double gap = slow ? 3 + random.nextDouble() * 10 : 0.05 + random.nextDouble() * 0.5;
            String agent = pick(random.nextDouble() < 0.5 ? agents : tools);
            List<String> list = random.nextBoolean() ? words : files;
            for (int r = 0; r < requests; r++) {
                String word = pick(list);
                String url = word.startsWith("/") ? word : "/" + word;
                int status = random.nextDouble() < 0.9 ? 404 : pick(List.of(200, 301, 403));
                scans.add(access(Instant.ofEpochSecond(second + (long) (r * gap)), attacker, "GET",
                        encoded(url).replace("%2F", "/"), status, agent, "1 scan"));
            }
        }
        scans.sort(Comparator.comparing(Line::time));
        write("web-scan", scans, "real access log elastic/examples apache_logs (" + COPIES + " copies) with 60"
                + " forced-browsing episodes from public wordlists");
    }

    /** Copies of the real web log laid end to end, for enough benign lines to count false alerts per 100,000. */
    private static final int COPIES = 10;

    /**
     * The log {@code n} times over, each copy after the one before (its span and a day), every client of a copy a
     * different address: traffic of the same shape from other people on other days.
     */
    private List<Line> copies(List<Line> log, Set<String> clients, int n) {
        long span = log.getLast().time.getEpochSecond() - log.getFirst().time.getEpochSecond() + 86_400;
        List<Line> all = new ArrayList<>(log);
        for (int copy = 1; copy < n; copy++) {
            Map<String, String> renamed = new HashMap<>();
            for (Line line : log) {
                Matcher m = ACCESS_LINE.matcher(line.text());
                if (!m.matches()) {
                    continue;
                }
                Instant time = line.time().plusSeconds(copy * span);
                String client = renamed.computeIfAbsent(m.group(1), c -> address(clients));
                String text = client + line.text().substring(m.end(1), m.start(2))
                        + ACCESS.format(time.atZone(ZoneOffset.UTC)) + line.text().substring(m.end(2));
                all.add(new Line(time, text, line.label()));
            }
        }
        return all;
    }

    /** Episode sizes as attacks have them: a few probes by hand, tens from a script, hundreds from a tool. */
    private int size() {
        double kind = random.nextDouble();
        return kind < 0.2 ? 1 + random.nextInt(5) : kind < 0.7 ? 5 + random.nextInt(45) : 50 + random.nextInt(250);
    }

    /**
     * A payload as a tool puts it in a request line: as written with only what cannot stand there escaped (half the
     * time), percent-encoded (%20), or form-encoded (+).
     */
    private String encoded(String payload) {
        double how = random.nextDouble();
        if (how < 0.5) {
            StringBuilder minimal = new StringBuilder();
            for (byte b : payload.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c <= 0x20 || c >= 0x7f || c == '"' || c == '#') {
                    minimal.append('%').append(String.format("%02X", c));
                } else {
                    minimal.append((char) c);
                }
            }
            return minimal.toString();
        }
        String form = URLEncoder.encode(payload, StandardCharsets.UTF_8);
        return how < 0.75 ? form.replace("+", "%20") : form;
    }

    private Line access(Instant time, String client, String method, String url, int status, String agent,
                        String label) {
        long bytes = status == 200 ? 500 + random.nextInt(20_000) : 200 + random.nextInt(300);
        return new Line(time, String.format(Locale.ROOT, "%s - - [%s] \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\"", client,
                ACCESS.format(time.atZone(ZoneOffset.UTC)), method, url, status, bytes, agent), label);
    }

    /** A public address that is none of the log's own clients. */
    private String address(Set<String> taken) {
        while (true) {
            String address = (1 + random.nextInt(222)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                    + (1 + random.nextInt(254));
            if (!taken.contains(address) && !address.startsWith("10.") && !address.startsWith("127.")) {
                taken.add(address);
                return address;
            }
        }
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private static List<String> payloads(Path file) throws IOException {
        List<String> payloads = new ArrayList<>();
        for (String line : lines(file)) {
            if (!line.startsWith("#") && line.length() <= 2000) {
                payloads.add(line);
            }
        }
        return payloads;
    }

    private static List<String> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new ArrayList<>();
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            String text = line.replace("\r", "");
            if (!text.isBlank()) {
                lines.add(text);
            }
        }
        return lines;
    }

    private void write(String name, List<Line> lines, String about) throws IOException {
        Path log = out.resolve(name + ".log");
        Path labels = out.resolve(name + ".labels");
        long attacks = 0;
        try (BufferedWriter text = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
             BufferedWriter label = Files.newBufferedWriter(labels, StandardCharsets.UTF_8)) {
            for (Line line : lines) {
                text.write(line.text());
                text.write('\n');
                label.write(line.label());
                label.write('\n');
                attacks += line.label().equals("0") ? 0 : 1;
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d lines, %d labelled attacks (%s)%n", log, lines.size(), attacks, about);
    }
}
