package dev.posthorn.mta.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM ({@code bom/pom.xml}, {@code dev.posthorn:posthorn-bom}) against the build it describes. It has no parent (so
 * an application importing it gets Posthorn's versions only, not Posthorn's choice of JUnit or Jetty), which means
 * nothing in Maven keeps its version and its list in step with the modules: this test does. Tests run in the module's
 * directory, so the project's top is {@code ..}.
 */
class BomTest {

    private static final Path TOP = Path.of("..");

    @Test
    void theBomHasTheParentsVersionAndListsEveryLibraryAtIt() throws Exception {
        Element parent = read(TOP.resolve("pom.xml"));
        Element bom = read(TOP.resolve("bom/pom.xml"));

        assertThat(text(bom, "version")).isEqualTo(text(parent, "version"));
        assertThat(text(bom, "artifactId")).isEqualTo("posthorn-bom");

        // Every module that makes a jar, except the MTA itself (an application, not a library).
        List<String> libraries = new ArrayList<>();
        for (Element module : children(child(parent, "modules"), "module")) {
            Path pom = TOP.resolve(module.getTextContent().strip()).resolve("pom.xml");
            Element project = read(pom);
            String packaging = child(project, "packaging") == null ? "jar" : text(project, "packaging");
            if (packaging.equals("jar") && !text(project, "artifactId").equals("mta")) {
                libraries.add(text(project, "artifactId"));
            }
        }
        assertThat(libraries).contains("posthorn-smtp-core", "posthorn-smtp-server", "posthorn-smtp-client",
                "posthorn-smtp-testing");

        List<String> managed = new ArrayList<>();
        for (Element dependency : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            assertThat(text(dependency, "groupId")).isEqualTo("dev.posthorn");
            assertThat(text(dependency, "version")).isEqualTo("${project.version}");
            managed.add(text(dependency, "artifactId"));
        }
        assertThat(managed).containsExactlyInAnyOrderElementsOf(libraries);
    }

    @Test
    void theBomCarriesTheSameLicenceAndRepositoryAsTheParent() throws Exception {
        Element parent = read(TOP.resolve("pom.xml"));
        Element bom = read(TOP.resolve("bom/pom.xml"));

        for (String element : List.of("url", "licenses", "developers", "scm")) {
            assertThat(child(bom, element).getTextContent().strip())
                    .as(element)
                    .isEqualTo(child(parent, element).getTextContent().strip());
        }
        assertThat(text(child(child(parent, "licenses"), "license"), "name")).isEqualTo("Apache-2.0");
        assertThat(Files.readString(TOP.resolve("LICENSE")))
                .contains("Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS");
    }

    private static Element read(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(pom.toFile());
        return document.getDocumentElement();
    }

    /** The first child element of that name, or null. */
    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().strip();
    }
}
