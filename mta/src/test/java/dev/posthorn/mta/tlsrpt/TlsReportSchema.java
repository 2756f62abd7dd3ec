package dev.posthorn.mta.tlsrpt;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** RFC 8460 4.4's report structure as a JSON Schema (a test resource written from the RFC) and a reader for tests. */
public final class TlsReportSchema {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Schema SCHEMA = load();

    private TlsReportSchema() {
    }

    private static Schema load() {
        try (InputStream in = TlsReportSchema.class.getResourceAsStream("rfc8460-report.schema.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Throws with every violation when {@code json} is not a valid report. */
    public static void validate(byte[] json) {
        List<Error> errors = SCHEMA.validate(parse(json));
        if (!errors.isEmpty()) {
            throw new AssertionError("not a valid TLS report: " + errors);
        }
    }

    public static JsonNode parse(byte[] json) {
        return JSON.readTree(json);
    }
}
