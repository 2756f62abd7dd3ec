package dev.posthorn.mailauth.dmarc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

/** RFC 7489 appendix C's schema (a test resource, written from the RFC) and a reader of reports for tests. */
final class AggregateSchema {

    private static final Schema SCHEMA = load();

    private AggregateSchema() {
    }

    private static Schema load() {
        try (InputStream xsd = AggregateSchema.class.getResourceAsStream("rfc7489-aggregate.xsd")) {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            return factory.newSchema(new StreamSource(xsd));
        } catch (IOException | SAXException e) {
            throw new IllegalStateException("the schema resource does not load", e);
        }
    }

    /** Validates {@code xml} against the schema; throws with the validator's reason when it does not. */
    static void validate(byte[] xml) throws IOException, SAXException {
        SCHEMA.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
    }

    /** The document, for assertions on its content (XPath). */
    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }
}
