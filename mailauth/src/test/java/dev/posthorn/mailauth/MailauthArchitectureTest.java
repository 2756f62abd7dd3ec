package dev.posthorn.mailauth;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * What the module promises its users: the checks ask DNS only through {@code DnsLookup} (so dnsjava, an optional
 * dependency, is needed only by who uses {@code DnsClient}), and the module knows nothing of the MTA, the SMTP server
 * or client: only smtp-core's address grammar.
 */
class MailauthArchitectureTest {

    private static final JavaClasses MAILAUTH = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.posthorn.mailauth");

    @Test
    void theChecksSeeDnsOnlyThroughTheLookupInterface() {
        noClasses().that().resideInAnyPackage("dev.posthorn.mailauth.dkim..", "dev.posthorn.mailauth.spf..",
                        "dev.posthorn.mailauth.dmarc..", "dev.posthorn.mailauth.arc..")
                .should().dependOnClassesThat().resideInAnyPackage("org.xbill..")
                .orShould().dependOnClassesThat().haveSimpleNameStartingWith("DnsClient")
                .check(MAILAUTH);
    }

    @Test
    void onlyTheDnsPackageUsesDnsjava() {
        noClasses().that().resideOutsideOfPackage("dev.posthorn.mailauth.dns")
                .should().dependOnClassesThat().resideInAnyPackage("org.xbill..")
                .check(MAILAUTH);
    }

    @Test
    void nothingOfTheMtaOrTheServerOrClient() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.posthorn.mta..",
                        "dev.posthorn.smtp.server..", "dev.posthorn.smtp.client..", "dev.posthorn.smtp.io..",
                        "org.slf4j..")
                .check(MAILAUTH);
    }
}
