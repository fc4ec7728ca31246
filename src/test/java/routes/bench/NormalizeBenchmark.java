package routes.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import routes.model.RawLog;
import routes.model.Event;
import routes.normalize.Normalizer;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Events per second through the normalize stage alone (syslog envelope, parser choice, ECS fields) on one core,
 * for a mix of real-looking sshd, PAM, sudo, access-log, firewall and JSON lines: the pure ingest path without the
 * index. Run with the bench profile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NormalizeBenchmark {

    private static final String[] LINES = {
            "<38>Nov 23 10:15:01 bastion sshd[2211]: Failed password for invalid user admin%d from 203.0.113.7 port 52100 ssh2",
            "<38>Nov 23 10:15:02 bastion sshd[2212]: Accepted publickey for deploy%d from 198.51.100.4 port 40022 ssh2: RSA SHA256:abc",
            "<38>Nov 23 10:15:03 bastion sshd[2213]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root%d",
            "<86>Nov 23 10:15:04 web1 sudo:    alice%d : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
            "<190>Nov 23 10:15:05 web1 nginx: 192.0.2.%d - - [23/Nov/2026:10:15:05 +0000] \"GET /index.php?id=1 HTTP/1.1\" 200 5123 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" 0.012",
            "<4>Nov 23 10:15:06 gw1 kernel: [1234567.890123] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=192.0.2.%d DST=10.0.0.5 LEN=40 TOS=0x00 PREC=0x00 TTL=249 ID=54321 PROTO=TCP SPT=4444 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0",
            "<14>1 2026-11-23T10:15:07.123Z app1 payments 77 - [meta seq=\"%d\"] {\"user.name\":\"frank\",\"event.action\":\"refund\",\"amount\":1200}",
            "203.0.113.%d - - [23/Nov/2026:10:15:08 +0000] \"POST /wp-login.php HTTP/1.1\" 401 512 \"-\" \"python-requests/2.31\"",
    };

    private Normalizer normalizer;
    private List<RawLog> batch;

    @Setup(Level.Trial)
    public void setUp() {
        normalizer = new Normalizer(ZoneOffset.UTC);
        batch = new ArrayList<>();
        Instant received = Instant.parse("2026-11-23T12:00:00Z");
        for (int i = 0; i < 1000; i++) {
            String line = String.format(LINES[i % LINES.length], i % 250);
            batch.add(new RawLog(line, null, received, "tcp", "127.0.0.1:5000", false));
        }
    }

    /** One operation is a batch of 1000 lines, as the syslog decoder hands them on: multiply by 1000. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(1000)
    public List<Event> normalizeBatch() {
        return normalizer.normalize(batch);
    }
}
