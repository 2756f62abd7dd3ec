package dev.posthorn.mta.inbound;

import dev.posthorn.mailauth.dmarc.AggregateReport;
import dev.posthorn.mailauth.dmarc.DmarcRecord;

/**
 * Told of each message the DMARC check evaluated against a record that asks for aggregate reports, once its fate
 * (taken or refused for good) is known: what the reports count. Called on the session's thread; it must be quick and
 * must not throw.
 */
@FunctionalInterface
public interface DmarcObserver {

    /** Counts nothing. */
    DmarcObserver NONE = (policyDomain, published, row) -> {
    };

    /**
     * @param policyDomain where the record was found
     * @param published    the record
     * @param row          this one message (count 1)
     */
    void observed(String policyDomain, DmarcRecord published, AggregateReport.Row row);
}
