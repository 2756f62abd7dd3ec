package dev.posthorn.mailauth.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The addresses of one host, AAAA then A (each family in DNS's order, CNAMEs followed), and the name they were found
 * at: what {@link DnsClient#host} gives (MX resolution makes its delivery targets of it).
 *
 * @param answer    found (secure when both address answers were), NXDOMAIN (from the AAAA question: it holds for
 *                  every type, RFC 8020, so A is not asked), NODATA (neither family), or failed (when no address was
 *                  found and a question failed)
 * @param canonical the name at the end of any CNAME chain, lower case, without the trailing dot (RFC 7672 2.2.2)
 */
public record HostAddresses(Answer<InetAddress> answer, String canonical) {

    static HostAddresses of(DnsClient dns, Name host) {
        String canonical = QueryName.text(host);
        Answer<Record> v6 = dns.lookup(host, Type.AAAA);
        if (v6 instanceof Answer.NoSuchName<Record> none) {
            return new HostAddresses(new Answer.NoSuchName<>(none.secure()), canonical);
        }
        Answer<Record> v4 = dns.lookup(host, Type.A);
        List<InetAddress> found = new ArrayList<>();
        for (Answer<Record> answer : List.of(v6, v4)) {
            for (Record record : answer.recordsOrEmpty()) {
                switch (record) {
                    case AAAARecord aaaa -> found.add(aaaa.getAddress());
                    case ARecord a -> found.add(a.getAddress());
                    default -> { }
                }
                canonical = QueryName.text(record.getName());
            }
        }
        boolean secure = v6.secure() && v4.secure();
        if (!found.isEmpty()) {
            return new HostAddresses(new Answer.Found<>(found.subList(0, Math.min(found.size(),
                    DnsClient.MAX_ADDRESSES)), secure), canonical);
        }
        if (v6 instanceof Answer.Failed<Record> failed) {
            return new HostAddresses(new Answer.Failed<>("AAAA: " + failed.reason(), failed.bogus()), canonical);
        }
        if (v4 instanceof Answer.Failed<Record> failed) {
            return new HostAddresses(new Answer.Failed<>("A: " + failed.reason(), failed.bogus()), canonical);
        }
        return new HostAddresses(new Answer.NoData<>(secure), canonical);
    }
}
