package io.tokentally;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;

/** The architecture of design.md and style.md, checked on the main classes (tests are not imported). */
class ArchitectureTests {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("io.tokentally");

    /** The bench command prints rates and timings as doubles and reads the wall clock; nothing else may. */
    static final String CLI = "io.tokentally.cli..";

    static final Set<String> FLOATING_POINT = Set.of("double", "float", Double.class.getName(), Float.class.getName());

    @Test
    void dependenciesPointDownThePipeline() {
        // given the stage order shared <- ingest <- normalize <- pricing, plans <- rating <- job <- cli, with
        // reconcile and stripe between rating and job as design.md lists them (stripe already uses
        // reconcile's Finding); schedule (jobs/ and the scheduler) and api (REST) sit on job
        ArchRule rule = layeredArchitecture()
                .consideringOnlyDependenciesInAnyPackage("io.tokentally..")
                .layer("application")
                .definedBy("io.tokentally")
                .layer("shared")
                .definedBy("io.tokentally.shared..")
                .layer("ingest")
                .definedBy("io.tokentally.ingest..")
                .layer("normalize")
                .definedBy("io.tokentally.normalize..")
                .layer("pricing")
                .definedBy("io.tokentally.pricing..")
                .layer("plans")
                .definedBy("io.tokentally.plans..")
                .layer("rating")
                .definedBy("io.tokentally.rating..")
                .layer("reconcile")
                .definedBy("io.tokentally.reconcile..")
                .layer("stripe")
                .definedBy("io.tokentally.stripe..")
                .layer("job")
                .definedBy("io.tokentally.job..")
                .layer("schedule")
                .definedBy("io.tokentally.schedule..")
                .layer("api")
                .definedBy("io.tokentally.api..")
                .layer("cli")
                .definedBy("io.tokentally.cli..")
                .whereLayer("shared")
                .mayNotAccessAnyLayer()
                .whereLayer("ingest")
                .mayOnlyAccessLayers("shared")
                .whereLayer("normalize")
                .mayOnlyAccessLayers("shared", "ingest")
                .whereLayer("pricing")
                .mayOnlyAccessLayers("shared", "ingest", "normalize")
                .whereLayer("plans")
                .mayOnlyAccessLayers("shared", "ingest", "normalize")
                .whereLayer("rating")
                .mayOnlyAccessLayers("shared", "ingest", "normalize", "pricing", "plans")
                .whereLayer("reconcile")
                .mayOnlyAccessLayers("shared", "ingest", "normalize", "pricing", "plans", "rating")
                .whereLayer("stripe")
                .mayOnlyAccessLayers("shared", "ingest", "normalize", "pricing", "plans", "rating", "reconcile")
                .whereLayer("job")
                .mayOnlyAccessLayers(
                        "shared", "ingest", "normalize", "pricing", "plans", "rating", "reconcile", "stripe")
                .whereLayer("schedule")
                .mayOnlyAccessLayers(
                        "shared", "ingest", "normalize", "pricing", "plans", "rating", "reconcile", "stripe", "job")
                .whereLayer("api")
                .mayOnlyAccessLayers(
                        "shared",
                        "ingest",
                        "normalize",
                        "pricing",
                        "plans",
                        "rating",
                        "reconcile",
                        "stripe",
                        "job",
                        "schedule")
                // TokentallyApplication.main hands the arguments to the command line, which starts it again
                .whereLayer("application")
                .mayOnlyAccessLayers("cli")
                .whereLayer("cli")
                .mayOnlyAccessLayers(
                        "application",
                        "shared",
                        "ingest",
                        "normalize",
                        "pricing",
                        "plans",
                        "rating",
                        "reconcile",
                        "stripe",
                        "job",
                        "schedule")
                .ensureAllClassesAreContainedInArchitecture();

        // when, then
        rule.check(CLASSES);
    }

    @Test
    void onlyTheStripePackageUsesStripeJava() {
        // given (the stripe package does use stripe-java, so the "that" side is never empty)
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage("io.tokentally.stripe..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.stripe..");

        // when, then
        rule.check(CLASSES);
    }

    @Test
    void onlyTheIngestPackageUsesCommonsCsvAndTheS3Sdk() {
        // given
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage("io.tokentally.ingest..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.commons.csv..", "software.amazon.awssdk..");

        // when, then
        rule.check(CLASSES);
    }

    @Test
    void noFieldIsAFloatingPointNumberOutsideTheCommandLine() {
        // given: cli is excluded because the bench command computes and prints rows per second as doubles
        ArchRule rule = fields().that()
                .areDeclaredInClassesThat()
                .resideOutsideOfPackage(CLI)
                .should()
                .notHaveRawType(floatingPoint());

        // when, then
        rule.check(CLASSES);
    }

    @Test
    void noMethodOrConstructorTakesOrReturnsAFloatingPointNumberOutsideTheCommandLine() {
        // given: cli is excluded because the bench command computes and prints rows per second as doubles
        ArchRule rule = codeUnits()
                .that()
                .areDeclaredInClassesThat()
                .resideOutsideOfPackage(CLI)
                .should(notTakeOrReturnFloatingPoint());

        // when, then
        rule.check(CLASSES);
    }

    @Test
    void noWallClockIsReadOutsideTheCommandLine() {
        // given: an injected Clock is the only time source; cli is excluded because the bench command times
        // itself and names its schema after the current time. now(clock) overloads are allowed.
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage(CLI)
                .should()
                .callMethod(Instant.class, "now")
                .orShould()
                .callMethod(LocalDate.class, "now")
                .orShould()
                .callMethod(LocalDateTime.class, "now")
                .orShould()
                .callMethod(OffsetDateTime.class, "now")
                .orShould()
                .callMethod(ZonedDateTime.class, "now")
                .orShould()
                .callMethod(LocalTime.class, "now")
                .orShould()
                .callMethod(System.class, "currentTimeMillis");

        // when, then
        rule.check(CLASSES);
    }

    @Test
    void noClassSwitchesOffBootsBatchConfiguration() {
        // given
        ArchRule rule = noClasses().should().beAnnotatedWith(EnableBatchProcessing.class);

        // when, then
        rule.check(CLASSES);
    }

    private static DescribedPredicate<JavaClass> floatingPoint() {
        return DescribedPredicate.describe(
                "double, float, Double or Float", type -> FLOATING_POINT.contains(type.getName()));
    }

    private static ArchCondition<JavaCodeUnit> notTakeOrReturnFloatingPoint() {
        return new ArchCondition<>("not take or return double, float, Double or Float") {
            @Override
            public void check(JavaCodeUnit method, ConditionEvents events) {
                List<JavaClass> types = new ArrayList<>(method.getRawParameterTypes());
                types.add(method.getRawReturnType());
                for (JavaClass type : types) {
                    if (FLOATING_POINT.contains(type.getName())) {
                        events.add(SimpleConditionEvent.violated(
                                method, method.getFullName() + " uses " + type.getName()));
                    }
                }
            }
        };
    }
}
