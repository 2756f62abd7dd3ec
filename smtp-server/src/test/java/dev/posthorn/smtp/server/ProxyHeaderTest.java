package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PROXY protocol header, versions 1 and 2 (HAProxy's proxy-protocol.txt). */
class ProxyHeaderTest {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    static InetSocketAddress at(String address, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    /** A v2 header: version 2, {@code command}, {@code family}, then {@code block}. */
    static byte[] v2(int command, int family, byte[] block) {
        return ByteBuffer.allocate(16 + block.length).put(SIGNATURE).put((byte) (0x20 | command)).put((byte) family)
                .putShort((short) block.length).put(block).array();
    }

    /** A v2 PROXY header for a TCP client, with {@code tlvs} octets of TLVs after the addresses. */
    static byte[] v2(InetSocketAddress source, InetSocketAddress destination, int tlvs) {
        byte[] from = source.getAddress().getAddress();
        ByteBuffer block = ByteBuffer.allocate(2 * from.length + 4 + tlvs).put(from)
                .put(destination.getAddress().getAddress()).putShort((short) source.getPort())
                .putShort((short) destination.getPort());
        if (tlvs >= 3) { // one NOOP TLV (type 0x04) filling the space: skipped like any other
            block.put((byte) 0x04).putShort((short) (tlvs - 3));
        }
        return v2(1, from.length == 4 ? 0x11 : 0x21, block.array());
    }

    private static ProxyHeader read(byte[] bytes) throws IOException {
        return ProxyHeader.read(new ByteArrayInputStream(bytes));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void v1Tcp4NamesTheClientAndReadsNothingAfterTheLine() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 56324 25\r\nEHLO"));
        ProxyHeader header = ProxyHeader.read(in);
        assertThat(header.source()).isEqualTo(at("192.0.2.7", 56324));
        assertThat(header.destination()).isEqualTo(at("198.51.100.1", 25));
        assertThat(in.readAllBytes()).isEqualTo(ascii("EHLO"));
    }

    @Test
    void v1Tcp6() throws IOException {
        ProxyHeader header = read(ascii("PROXY TCP6 2001:db8::7 2001:db8::1 65535 25\r\n"));
        assertThat(header.source()).isEqualTo(at("2001:db8::7", 65535));
        assertThat(header.destination()).isEqualTo(at("2001:db8::1", 25));
    }

    @Test
    void v1UnknownNamesNoClient() throws IOException {
        assertThat(read(ascii("PROXY UNKNOWN\r\n"))).isEqualTo(ProxyHeader.UNKNOWN);
        assertThat(read(ascii("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")))
                .isEqualTo(ProxyHeader.UNKNOWN);
    }

    @Test
    void v1OfTheLongestLengthIsTakenAndOneMoreIsNot() throws IOException {
        String longest = "PROXY UNKNOWN " + "x".repeat(ProxyHeader.V1_MAX - 16) + "\r\n";
        assertThat(longest).hasSize(ProxyHeader.V1_MAX);
        assertThat(read(ascii(longest))).isEqualTo(ProxyHeader.UNKNOWN);
        String over = "PROXY UNKNOWN " + "x".repeat(ProxyHeader.V1_MAX - 15) + "\r\n";
        assertThatThrownBy(() -> read(ascii(over))).isInstanceOf(ProxyHeader.MalformedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PROXY TCP4 192.0.2.7 198.51.100.1 56324 25\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 56324 25\rX",
        "PROXY TCP4 192.0.2.7 198.51.100.1 56324\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 56324 25 1\r\n",
        "PROXY TCP4  192.0.2.7 198.51.100.1 56324 25\r\n",
        "PROXY TCP4 192.0.2.256 198.51.100.1 56324 25\r\n",
        "PROXY TCP4 2001:db8::7 198.51.100.1 56324 25\r\n",
        "PROXY TCP4 IPv6:::1 198.51.100.1 56324 25\r\n",
        "PROXY TCP6 192.0.2.7 2001:db8::1 56324 25\r\n",
        "PROXY TCP6 mx.example 2001:db8::1 56324 25\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 65536 25\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 -1 25\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 +1 25\r\n",
        "PROXY TCP4 192.0.2.7 198.51.100.1 123456 25\r\n",
        "PROXY UDP4 192.0.2.7 198.51.100.1 56324 25\r\n",
        "PROXY tcp4 192.0.2.7 198.51.100.1 56324 25\r\n",
        "PROXYTCP4 192.0.2.7 198.51.100.1 56324 25\r\n",
        "PROXY\r\n",
        "PROXY TCP4 192.0.2.7\t198.51.100.1 56324 25\r\n",
        "EHLO client.test\r\n",
        "\r\n\r\n\r\n",
    })
    void v1MalformedIsRefused(String line) {
        assertThatThrownBy(() -> read(ascii(line))).isInstanceOf(ProxyHeader.MalformedException.class);
    }

    @Test
    void v1CutShortIsTheEndOfTheStream() {
        assertThatThrownBy(() -> read(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 56324 2")))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(EOFException.class);
    }

    @Test
    void v2Tcp4AndTcp6ReadExactlyTheirLength() throws IOException {
        byte[] header = v2(at("192.0.2.7", 56324), at("198.51.100.1", 25), 0);
        byte[] withData = ByteBuffer.allocate(header.length + 4).put(header).put(ascii("QUIT")).array();
        ByteArrayInputStream in = new ByteArrayInputStream(withData);
        ProxyHeader read = ProxyHeader.read(in);
        assertThat(read.source()).isEqualTo(at("192.0.2.7", 56324));
        assertThat(read.destination()).isEqualTo(at("198.51.100.1", 25));
        assertThat(in.readAllBytes()).isEqualTo(ascii("QUIT"));
        assertThat(read(v2(at("2001:db8::7", 1), at("2001:db8::1", 587), 0)).source())
                .isEqualTo(at("2001:db8::7", 1));
    }

    @Test
    void v2TlvsAreSkipped() throws IOException {
        byte[] header = v2(at("192.0.2.7", 40000), at("198.51.100.1", 25), 200);
        ByteArrayInputStream in = new ByteArrayInputStream(
                ByteBuffer.allocate(header.length + 1).put(header).put((byte) 'Q').array());
        assertThat(ProxyHeader.read(in).source()).isEqualTo(at("192.0.2.7", 40000));
        assertThat(in.read()).isEqualTo('Q');
    }

    @Test
    void v2LocalAndUnspecifiedFamiliesNameNoClient() throws IOException {
        byte[] addresses = new byte[12];
        assertThat(read(v2(0, 0x11, addresses))).isEqualTo(ProxyHeader.UNKNOWN);
        assertThat(read(v2(0, 0x00, new byte[0]))).isEqualTo(ProxyHeader.UNKNOWN);
        assertThat(read(v2(1, 0x00, new byte[0]))).isEqualTo(ProxyHeader.UNKNOWN);
        assertThat(read(v2(1, 0x31, new byte[216]))).isEqualTo(ProxyHeader.UNKNOWN);
    }

    @Test
    void v2MalformedIsRefused() {
        byte[] good = v2(1, 0x11, new byte[12]);
        byte[] badSignature = good.clone();
        badSignature[7] = 0x50;
        byte[] badVersion = good.clone();
        badVersion[12] = 0x11;
        for (byte[] bad : new byte[][] {badSignature, badVersion, v2(2, 0x11, new byte[12]),
            v2(1, 0x13, new byte[12]), v2(1, 0x41, new byte[12]), v2(1, 0x11, new byte[11]),
            v2(1, 0x21, new byte[35]), v2(1, 0x11, new byte[ProxyHeader.V2_MAX_BLOCK + 1])}) {
            assertThatThrownBy(() -> read(bad)).isInstanceOf(ProxyHeader.MalformedException.class);
        }
    }

    @Test
    void v2OfTheLargestBlockIsTaken() throws IOException {
        byte[] header = v2(at("192.0.2.7", 1), at("198.51.100.1", 25), ProxyHeader.V2_MAX_BLOCK - 12);
        assertThat(read(header).source()).isEqualTo(at("192.0.2.7", 1));
    }

    @Test
    void v2CutShortIsTheEndOfTheStream() throws IOException {
        byte[] header = v2(at("192.0.2.7", 1), at("198.51.100.1", 25), 0);
        for (int length : new int[] {1, 12, 15, 16, header.length - 1}) {
            byte[] cut = java.util.Arrays.copyOf(header, length);
            assertThatThrownBy(() -> read(cut)).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void randomGarbageOnlyEverFailsAsMalformedOrCutShort() {
        Random random = new Random(20261207);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && i % 3 == 0) { // starts like a header, to get past the first octet
                byte[] start = i % 2 == 0 ? ascii("PROXY TCP4 ") : SIGNATURE;
                System.arraycopy(start, 0, bytes, 0, Math.min(start.length, bytes.length));
                if (i % 2 != 0 && bytes.length > 12) {
                    bytes[12] = (byte) (0x20 | random.nextInt(2));
                }
            }
            try {
                read(bytes);
                parsed++;
            } catch (ProxyHeader.MalformedException | EOFException e) {
                assertThat(e.getMessage()).isNotBlank();
            } catch (Throwable e) {
                throw new AssertionError("input " + java.util.HexFormat.of().formatHex(bytes), e);
            }
        }
        assertThat(parsed).isLessThan(20_000);
    }
}
