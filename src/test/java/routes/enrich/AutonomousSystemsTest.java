package routes.enrich;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The AS tables as ranges: found by halving, first row winning an overlap, bad lines refused with their number. */
class AutonomousSystemsTest {

    private static InputStream table(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static AutonomousSystems.Network find(AutonomousSystems.Ranges ranges, String address) throws Exception {
        return ranges.find(InetAddress.getByName(address));
    }

    @Test
    void anAddressIsFoundInItsRangeAndNowhereElse() throws Exception {
        AutonomousSystems.Ranges ranges = AutonomousSystems.Ranges.read(table("""
                16777216,16777471,13335,"Cloudflare, Inc."
                16778240,16779263,38803,Gtelecom Pty Ltd
                3741648128,3741648383,45102,"Say ""hello"", Ltd"
                4294967040,4294967295,64512,
                """), table("""
                42541956101370907050197289607612071936,42541956180599069564461627201156022271,15169,Google LLC
                """));
        assertThat(find(ranges, "1.0.0.0")).isEqualTo(new AutonomousSystems.Network(13335, "Cloudflare, Inc."));
        assertThat(find(ranges, "1.0.0.255").number()).isEqualTo(13335);
        assertThat(find(ranges, "1.0.1.0")).as("between two ranges").isNull();
        assertThat(find(ranges, "1.0.4.7").organization()).isEqualTo("Gtelecom Pty Ltd");
        assertThat(find(ranges, "223.5.5.5").organization()).isEqualTo("Say \"hello\", Ltd");
        assertThat(find(ranges, "255.255.255.255")).as("the top of the unsigned range, no name")
                .isEqualTo(new AutonomousSystems.Network(64512, null));
        assertThat(find(ranges, "0.0.0.1")).as("below the first range").isNull();
        assertThat(find(ranges, "2001:4860:4860::8888").number()).isEqualTo(15169);
        assertThat(find(ranges, "2001:4861::1")).isNull();
        assertThat(ranges.size()).isEqualTo(5);
    }

    @Test
    void aRangeOverlappingTheOneBeforeKeepsOnlyWhatLiesBeyondIt() throws Exception {
        AutonomousSystems.Ranges ranges = AutonomousSystems.Ranges.read(table("""
                100,200,1,first
                150,180,2,inside the first
                190,300,3,reaching beyond
                """), table(""));
        assertThat(ranges.size()).isEqualTo(2);
        assertThat(find(ranges, "0.0.0.170").number()).as("the earlier row wins").isEqualTo(1);
        assertThat(find(ranges, "0.0.0.200").number()).isEqualTo(1);
        assertThat(find(ranges, "0.0.0.201").number()).isEqualTo(3);
    }

    @Test
    void aBadLineFailsTheTableWithItsNumber() {
        assertThatThrownBy(() -> AutonomousSystems.Ranges.read(table("100,200,1,ok\nnot a range\n"), table("")))
                .isInstanceOf(IOException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> AutonomousSystems.Ranges.read(table("100,2x0,1,bad number\n"), table("")))
                .isInstanceOf(IOException.class).hasMessageContaining("line 1");
    }
}
