package dev.posthorn.mta.sts;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The MTA-STS TXT record at {@code _mta-sts.<domain>} (RFC 8461 3.1): {@code v=STSv1; id=20160831085700Z;}. Only
 * records that begin with {@code v=STSv1} count; exactly one must; its {@code id} (1 to 32 letters and digits) says
 * when the policy changed. Other fields are ignored, as the RFC asks.
 *
 * @param id the policy's id
 */
public record StsRecord(String id) {

    private static final String VERSION = "v=STSv1";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    /** sts-field-delim: a semicolon with optional spaces and tabs around it. */
    private static final Pattern DELIMITER = Pattern.compile("[ \\t]*;[ \\t]*");

    public StsRecord {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id must be 1 to 32 letters and digits");
        }
    }

    /**
     * The record among a name's TXT records.
     *
     * @param records each TXT record's strings, joined
     * @throws IllegalArgumentException with the reason, when no record, several, or a malformed one begins with
     *                                  {@code v=STSv1}: RFC 8461 3.1 then treats the domain as having no policy
     *                                  record
     */
    public static StsRecord parse(List<String> records) {
        List<String> sts = records.stream().filter(r -> r.startsWith(VERSION)).toList();
        if (sts.isEmpty()) {
            throw new IllegalArgumentException("no TXT record begins with " + VERSION);
        }
        if (sts.size() > 1) {
            throw new IllegalArgumentException(sts.size() + " TXT records begin with " + VERSION);
        }
        String id = null;
        String[] fields = DELIMITER.split(sts.getFirst().strip(), -1);
        if (!fields[0].equals(VERSION)) {
            throw new IllegalArgumentException("the record must begin with the field " + VERSION);
        }
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i];
            if (field.isEmpty() && i == fields.length - 1) {
                break;   // the optional trailing delimiter
            }
            int equals = field.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("malformed field in the TXT record");
            }
            if (field.startsWith("id=") && id == null) {
                id = field.substring(3);
            }
        }
        if (id == null) {
            throw new IllegalArgumentException("the TXT record has no id");
        }
        return new StsRecord(id);
    }
}
