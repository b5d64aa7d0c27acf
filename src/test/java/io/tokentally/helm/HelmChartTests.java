package io.tokentally.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.tokentally.TempFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The chart in helm/tokentally, rendered and linted with helm-java (Helm's own library), asserted object by object. */
class HelmChartTests {

    static final Path CHART = Path.of("helm/tokentally");
    static final YAMLMapper YAML = YAMLMapper.builder().build();

    @Test
    void lintsWithoutErrors() {
        // when
        LintResult result = new Helm(CHART).lint().strict().call();

        // then
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @Test
    void byDefaultServeRunsTheSchedulesAndNoCronJobIsRendered() {
        // when
        List<JsonNode> objects = render(command -> command);

        // then
        assertThat(ofKind(objects, "CronJob")).isEmpty();
        JsonNode container = container(one(objects, "Deployment"));
        assertThat(texts(container.get("args"))).containsExactly("serve", "--port=8080", "--jobs=/etc/tokentally/jobs");
        assertThat(one(objects, "Deployment").at("/spec/replicas").asInt()).isEqualTo(2);
    }

    @Test
    void theDeploymentHasProbesResourcesAndItsSecretsOnlyAsReferences() {
        // when
        JsonNode container = container(one(render(command -> command), "Deployment"));

        // then
        assertThat(container.at("/livenessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
        assertThat(container.at("/readinessProbe/httpGet/path").asString()).isEqualTo("/actuator/health/readiness");
        assertThat(container.at("/startupProbe/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
        assertThat(container.at("/resources/requests/memory").asString()).isEqualTo("1Gi");
        assertThat(container.at("/resources/limits/memory").asString()).isEqualTo("2Gi");
        assertThat(secretRef(container, "TOKENTALLY_API_TOKENS")).isEqualTo("tokentally-api/tokens");
        assertThat(secretRef(container, "SPRING_DATASOURCE_PASSWORD")).isEqualTo("tokentally-database/password");
        assertThat(secretRef(container, "SPRING_DATASOURCE_USERNAME")).isEqualTo("tokentally-database/username");
        assertThat(env(container)).doesNotContainKeys("STRIPE_API_KEY", "AWS_ACCESS_KEY_ID");
        assertThat(env(container)
                        .get("TOKENTALLY_SHUTDOWN_STOP_TIMEOUT")
                        .get("value")
                        .asString())
                .isEqualTo("70s");
    }

    @Test
    void theConfigMapsCarryTheDatabaseUrlJsonLogsAndEveryJobsFileAsWritten() throws IOException {
        // when
        List<JsonNode> objects = render(command -> command.set("database.url", "jdbc:postgresql://db:5432/billing"));

        // then
        JsonNode config = named(objects, "ConfigMap", "billing-tokentally-config");
        assertThat(config.at("/data/SPRING_DATASOURCE_URL").asString()).isEqualTo("jdbc:postgresql://db:5432/billing");
        assertThat(config.at("/data/LOGGING_STRUCTURED_FORMAT_CONSOLE").asString())
                .isEqualTo("ecs");
        assertThat(config.at("/data/JAVA_TOOL_OPTIONS").asString()).isEqualTo("-XX:MaxRAMPercentage=75");
        JsonNode jobs = named(objects, "ConfigMap", "billing-tokentally-jobs").get("data");
        for (Path file : jobsFiles()) {
            assertThat(jobs.get(file.getFileName().toString()).asString()).isEqualTo(Files.readString(file));
        }
        assertThat(jobs.size()).isEqualTo(jobsFiles().size());
    }

    @Test
    void withCronJobsEachJobsFileBecomesACronJobThatRunsItAndServeStopsScheduling() throws IOException {
        // when
        List<JsonNode> objects = render(command -> command.set("schedules.runner", "cronjob"));

        // then
        List<JsonNode> cronJobs = ofKind(objects, "CronJob");
        assertThat(cronJobs).hasSize(jobsFiles().size());
        JsonNode nightly = named(objects, "CronJob", "billing-tokentally-nightly-billing");
        assertThat(nightly.at("/spec/schedule").asString()).isEqualTo("30 2 * * *");
        assertThat(nightly.at("/spec/timeZone").asString()).isEqualTo("UTC");
        assertThat(nightly.at("/spec/concurrencyPolicy").asString()).isEqualTo("Forbid");
        assertThat(nightly.at("/spec/startingDeadlineSeconds").asInt()).isEqualTo(21600);
        // a pod that failed is retried past a dead pod's lease; a night that exited 2, 3 or 4 is not run again
        assertThat(nightly.at("/spec/jobTemplate/spec/backoffLimit").asInt()).isEqualTo(4);
        JsonNode failJob = nightly.at("/spec/jobTemplate/spec/podFailurePolicy/rules/0");
        assertThat(failJob.at("/action").asString()).isEqualTo("FailJob");
        assertThat(failJob.at("/onExitCodes/containerName").asString()).isEqualTo("tokentally");
        assertThat(texts(failJob.at("/onExitCodes/values"))).containsExactly("2", "3", "4");
        JsonNode container = nightly.at("/spec/jobTemplate/spec/template/spec/containers/0");
        assertThat(texts(container.get("args")))
                .containsExactly("run", "nightly-billing", "--job-file=/etc/tokentally/jobs/nightly-billing.yaml");
        assertThat(secretRef(container, "SPRING_DATASOURCE_PASSWORD")).isEqualTo("tokentally-database/password");
        assertThat(texts(container(one(objects, "Deployment")).get("args"))).contains("--no-scheduler");
    }

    @Test
    void customValuesAddStripeAndS3SecretsAPersistentWorkdirAndPlainLogs() {
        // when
        List<JsonNode> objects = render(command -> command.set("stripe.existingSecret", "stripe-live")
                .set("stripe.webhookSecretKey", "webhook-secret")
                .set("s3.existingSecret", "s3-drop")
                .set("s3.region", "eu-west-1")
                .set("s3.endpoint", "http://minio:9000")
                .set("s3.pathStyleAccess", true)
                .set("s3.drop", "drop=s3://usage-drop/incoming/")
                .set("workdir.existingClaim", "billing-data")
                .set("logFormat", "text")
                .set("replicaCount", 3)
                .set("jvm.maxRamPercentage", "62.5")
                .set("jvm.options", "-XX:+HeapDumpOnOutOfMemoryError"));

        // then
        JsonNode deployment = one(objects, "Deployment");
        JsonNode container = container(deployment);
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(secretRef(container, "STRIPE_API_KEY")).isEqualTo("stripe-live/api-key");
        assertThat(secretRef(container, "STRIPE_WEBHOOK_SECRET")).isEqualTo("stripe-live/webhook-secret");
        assertThat(secretRef(container, "AWS_ACCESS_KEY_ID")).isEqualTo("s3-drop/access-key-id");
        assertThat(secretRef(container, "AWS_SECRET_ACCESS_KEY")).isEqualTo("s3-drop/secret-access-key");
        assertThat(deployment
                        .at("/spec/template/spec/volumes/1/persistentVolumeClaim/claimName")
                        .asString())
                .isEqualTo("billing-data");
        JsonNode config = named(objects, "ConfigMap", "billing-tokentally-config");
        assertThat(config.at("/data/AWS_REGION").asString()).isEqualTo("eu-west-1");
        assertThat(config.at("/data/TOKENTALLY_S3_REGION").asString()).isEqualTo("eu-west-1");
        assertThat(config.at("/data/TOKENTALLY_S3_ENDPOINT").asString()).isEqualTo("http://minio:9000");
        assertThat(config.at("/data/TOKENTALLY_S3_PATH_STYLE_ACCESS").asString())
                .isEqualTo("true");
        assertThat(config.at("/data/TOKENTALLY_S3_DROP").asString()).isEqualTo("drop=s3://usage-drop/incoming/");
        assertThat(config.at("/data/TOKENTALLY_S3_WATCH").asString()).isEqualTo("true");
        assertThat(config.get("data").has("LOGGING_STRUCTURED_FORMAT_CONSOLE")).isFalse();
        assertThat(config.at("/data/JAVA_TOOL_OPTIONS").asString())
                .isEqualTo("-XX:MaxRAMPercentage=62.5 -XX:+HeapDumpOnOutOfMemoryError");
    }

    @Test
    void refusesAHeapShareThatIsNoNumberOrLeavesTheJvmNoRoomAndAJavaToolOptionsOfExtraEnv() {
        // when, then
        for (String share : List.of("95", "0", "75%")) {
            assertThatThrownBy(() -> render(command -> command.set("jvm.maxRamPercentage", share)))
                    .as(share)
                    .hasMessageContaining("jvm.maxRamPercentage must be a number above 0 and at most 90, not " + share);
        }
        assertThatThrownBy(() -> render(command ->
                        command.set("extraEnv[0].name", "JAVA_TOOL_OPTIONS").set("extraEnv[0].value", "-Xmx256m")))
                .hasMessageContaining("extraEnv must not set JAVA_TOOL_OPTIONS");
    }

    @Test
    void workersReadTheFilesOfEveryRunThroughTheBrokerWhoseUriIsASecret() {
        // when
        List<JsonNode> objects = render(command -> command.set("workers.replicas", 3)
                .set("workers.threads", 4)
                .set("workers.brokerSecret", "rabbitmq")
                .set("schedules.runner", "cronjob"));

        // then: a worker Deployment, and every container (serve, CronJobs, workers) on remote partitions
        JsonNode workers = named(objects, "Deployment", "billing-tokentally-worker");
        assertThat(workers.at("/spec/replicas").asInt()).isEqualTo(3);
        JsonNode worker = container(workers);
        assertThat(texts(worker.get("args"))).containsExactly("worker", "--threads=4", "--port=8081");
        assertThat(worker.at("/ports/0/containerPort").asInt()).isEqualTo(8081);
        for (String probe : List.of("startupProbe", "livenessProbe")) {
            assertThat(worker.at("/" + probe + "/httpGet/path").asString()).isEqualTo("/actuator/health/liveness");
            assertThat(worker.at("/" + probe + "/httpGet/port").asString()).isEqualTo("health");
        }
        assertThat(worker.has("readinessProbe")).isFalse();
        JsonNode config = named(objects, "ConfigMap", "billing-tokentally-config");
        assertThat(config.at("/data/TOKENTALLY_INGEST_PARTITIONING").asString()).isEqualTo("remote");
        assertThat(config.at("/data/TOKENTALLY_INGEST_QUEUE").asString()).isEqualTo("tokentally-ingest-partitions");
        JsonNode nightly = named(objects, "CronJob", "billing-tokentally-nightly-billing");
        for (JsonNode container : List.of(
                worker,
                container(named(objects, "Deployment", "billing-tokentally")),
                nightly.at("/spec/jobTemplate/spec/template/spec/containers/0"))) {
            assertThat(secretRef(container, "TOKENTALLY_INGEST_BROKER_URI")).isEqualTo("rabbitmq/uri");
            assertThat(secretRef(container, "SPRING_DATASOURCE_PASSWORD")).isEqualTo("tokentally-database/password");
        }
    }

    @Test
    void byDefaultRunsReadTheirFilesThemselvesAndWorkersNeedTheBrokersSecret() {
        // when
        List<JsonNode> objects = render(command -> command);

        // then
        assertThat(ofKind(objects, "Deployment")).hasSize(1);
        JsonNode config = named(objects, "ConfigMap", "billing-tokentally-config");
        assertThat(config.get("data").has("TOKENTALLY_INGEST_PARTITIONING")).isFalse();
        assertThat(env(container(one(objects, "Deployment")))).doesNotContainKey("TOKENTALLY_INGEST_BROKER_URI");
        assertThatThrownBy(() -> render(command -> command.set("workers.replicas", 1)))
                .hasMessageContaining("workers.brokerSecret is required when workers.replicas is above 0");
    }

    @Test
    void everyPodTakesThePlacementValuesAndWorkersRollOutWhenTheirSettingsChange() {
        // given
        UnaryOperator<TemplateCommand> placed = command -> command.set("workers.replicas", 1)
                .set("workers.brokerSecret", "rabbitmq")
                .set("schedules.runner", "cronjob")
                .set("nodeSelector.pool", "billing")
                .set("tolerations[0].key", "dedicated")
                .set("tolerations[0].operator", "Exists")
                .set("podAnnotations.team", "finance");

        // when
        List<JsonNode> objects = render(placed);
        List<JsonNode> requeued = render(command -> placed.apply(command).set("workers.queue", "partitions-2"));

        // then serve's, the workers' and the CronJobs' pods all go where the values say
        for (JsonNode pod : List.of(
                named(objects, "Deployment", "billing-tokentally").at("/spec/template"),
                named(objects, "Deployment", "billing-tokentally-worker").at("/spec/template"),
                named(objects, "CronJob", "billing-tokentally-nightly-billing")
                        .at("/spec/jobTemplate/spec/template"))) {
            assertThat(pod.at("/spec/nodeSelector/pool").asString()).isEqualTo("billing");
            assertThat(pod.at("/spec/tolerations/0/key").asString()).isEqualTo("dedicated");
            assertThat(pod.at("/metadata/annotations/team").asString()).isEqualTo("finance");
        }
        // and a changed setting changes the workers' pods, so they roll out with serve's
        String checksum = "/spec/template/metadata/annotations/checksum~1config";
        assertThat(named(objects, "Deployment", "billing-tokentally-worker")
                        .at(checksum)
                        .asString())
                .isNotEmpty()
                .isNotEqualTo(named(requeued, "Deployment", "billing-tokentally-worker")
                        .at(checksum)
                        .asString());
    }

    @Test
    void jobsFilesEndingInYmlBecomeCronJobsOfNamesThatStayApartWhenCutAndAZoneMustBeATzName() throws IOException {
        // given a chart whose jobs/ holds a .yml file and two schedules whose names differ past the 52nd character
        Path chart = chartWithJobs(Map.of(
                "same-day.yml", schedule("same-day-billing", "Europe/Berlin"),
                "west.yaml", schedule("nightly-billing-europe-west", "UTC"),
                "east.yaml", schedule("nightly-billing-europe-east", "UTC")));

        // when
        List<JsonNode> objects =
                render(chart, "billing-production", command -> command.set("schedules.runner", "cronjob"));

        // then
        assertThat(named(objects, "ConfigMap", "billing-production-tokentally-jobs")
                        .get("data")
                        .has("same-day.yml"))
                .isTrue();
        assertThat(ofKind(objects, "CronJob"))
                .extracting(cronJob -> cronJob.at("/metadata/name").asString())
                .hasSize(3)
                .doesNotHaveDuplicates()
                .allSatisfy(name -> assertThat(name).hasSizeLessThanOrEqualTo(52))
                .contains("billing-production-tokentally-same-day-billing");
        // and a zone serve would take in any letter case is refused, as a CronJob's timeZone takes it only so written
        Path lowerCase = chartWithJobs(Map.of("berlin.yaml", schedule("berlin", "europe/berlin")));
        assertThatThrownBy(() -> render(lowerCase, "billing", command -> command.set("schedules.runner", "cronjob")))
                .hasMessageContaining("jobs/berlin.yaml: zone \"europe/berlin\" is no tz database name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"EUROPE/BERLIN", "Europe/BERLIN", "UTC+1", "GMT+2", "Z", "+01:00", "Etc/GMT+13", "Utc"})
    void aZoneServeTakesButTheTzDatabaseDoesNotNameIsRefusedAtRender(String zone) throws IOException {
        // given
        Path chart = chartWithJobs(Map.of("nightly.yaml", schedule("nightly", zone)));

        // when / then
        assertThatThrownBy(() -> render(chart, "billing", command -> command.set("schedules.runner", "cronjob")))
                .hasMessageContaining("jobs/nightly.yaml: zone \"" + zone + "\" is no tz database name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"America/Argentina/Salta", "Etc/GMT-14", "Etc/GMT+12", "Australia/NSW", "EST5EDT", "Zulu"})
    void aZoneAsTheTzDatabaseNamesItBecomesTheCronJobsTimeZone(String zone) throws IOException {
        // given
        Path chart = chartWithJobs(Map.of("nightly.yaml", schedule("nightly", zone)));

        // when
        List<JsonNode> objects = render(chart, "billing", command -> command.set("schedules.runner", "cronjob"));

        // then
        assertThat(ofKind(objects, "CronJob"))
                .extracting(cronJob -> cronJob.at("/spec/timeZone").asString())
                .containsExactly(zone);
    }

    @Test
    void anEditedJobsFileRollsOutServeAndLeavesTheWorkersRunning() throws IOException {
        // given two charts whose jobs/ files differ in a schedule's hour
        UnaryOperator<TemplateCommand> withWorkers =
                command -> command.set("workers.replicas", 1).set("workers.brokerSecret", "rabbitmq");
        Path early = chartWithJobs(Map.of("nightly.yaml", schedule("nightly", "UTC")));
        Path late =
                chartWithJobs(Map.of("nightly.yaml", schedule("nightly", "UTC").replace("30 2 * * *", "30 4 * * *")));

        // when
        List<JsonNode> before = render(early, "billing", withWorkers);
        List<JsonNode> after = render(late, "billing", withWorkers);

        // then
        String annotations = "/spec/template/metadata/annotations";
        JsonNode serveBefore = named(before, "Deployment", "billing-tokentally").at(annotations);
        JsonNode serveAfter = named(after, "Deployment", "billing-tokentally").at(annotations);
        assertThat(serveAfter.get("checksum/jobs").asString())
                .isNotEqualTo(serveBefore.get("checksum/jobs").asString());
        assertThat(serveAfter.get("checksum/config")).isEqualTo(serveBefore.get("checksum/config"));
        assertThat(named(after, "Deployment", "billing-tokentally-worker").at(annotations))
                .isEqualTo(
                        named(before, "Deployment", "billing-tokentally-worker").at(annotations));
    }

    @Test
    void withoutAClaimTheNotesWarnThatTheJobsFilesNameFilesTheEmptyWorkdirLacks() {
        // when
        String withoutClaim = notes(command -> command);
        String withClaim = notes(command -> command.set("workdir.existingClaim", "billing-data"));

        // then
        assertThat(withoutClaim)
                .contains("WARNING: jobs/nightly-billing.yaml reads sample-data/customers.csv, sample-data/plans.yaml,"
                        + " sample-data/prices.csv\nunder /var/lib/tokentally, an emptyDir that holds nothing"
                        + " (workdir.existingClaim is not set):\nserve stops at start-up naming the first file"
                        + " missing, and restarts.");
        assertThat(withClaim).contains("tokentally ").doesNotContain("WARNING");
    }

    private static String notes(UnaryOperator<InstallCommand> values) {
        return values.apply(new Helm(CHART)
                        .install()
                        .withName("billing")
                        .withKubeVersion("1.30.0")
                        .dryRun()
                        .clientOnly())
                .call()
                .getOutput();
    }

    private static String schedule(String name, String zone) {
        return "name: " + name + "\njob: nightly-billing\ncron: \"30 2 * * *\"\nzone: " + zone
                + "\nwindow: previous-day\nparameters:\n  input:\n    - /data/usage\n  customers: /data/customers.csv\n"
                + "  plans: /data/plans.yaml\n  prices: /data/prices.csv\n";
    }

    /** A copy of the chart whose jobs/ folder holds {@code files} (by name) instead of the repository's. */
    private static Path chartWithJobs(Map<String, String> files) throws IOException {
        Path copy = TempFolders.create("tokentally-chart-").resolve("tokentally");
        try (Stream<Path> paths = Files.walk(CHART)) {
            for (Path path : paths.filter(path -> !path.startsWith(CHART.resolve("jobs")))
                    .toList()) {
                Path target = copy.resolve(CHART.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        Path jobs = Files.createDirectories(copy.resolve("jobs"));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(jobs.resolve(file.getKey()), file.getValue());
        }
        return copy;
    }

    @Test
    void refusesAnUnknownScheduleRunner() {
        // when, then
        assertThatThrownBy(() -> render(command -> command.set("schedules.runner", "cron")))
                .hasMessageContaining("schedules.runner must be serve or cronjob");
    }

    static List<JsonNode> render(UnaryOperator<TemplateCommand> values) {
        return render(CHART, "billing", values);
    }

    static List<JsonNode> render(Path chart, String release, UnaryOperator<TemplateCommand> values) {
        String manifests = values.apply(
                        new Helm(chart).template().withName(release).withKubeVersion("1.30.0"))
                .call();
        List<JsonNode> objects = new ArrayList<>();
        for (String document : manifests.split("(?m)^---\\s*$")) {
            if (!document.isBlank()) {
                JsonNode object = YAML.readTree(document);
                if (object != null && !object.isMissingNode() && !object.isNull()) {
                    objects.add(object);
                }
            }
        }
        return objects;
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream()
                .filter(object -> object.path("kind").asString().equals(kind))
                .toList();
    }

    static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> found = ofKind(objects, kind);
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    static JsonNode named(List<JsonNode> objects, String kind, String name) {
        return ofKind(objects, kind).stream()
                .filter(object -> object.at("/metadata/name").asString().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static JsonNode container(JsonNode deployment) {
        return deployment.at("/spec/template/spec/containers/0");
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asString()));
        return texts;
    }

    static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new java.util.LinkedHashMap<>();
        container.get("env").forEach(variable -> env.put(variable.get("name").asString(), variable));
        return env;
    }

    static String secretRef(JsonNode container, String variable) {
        JsonNode ref = env(container).get(variable).at("/valueFrom/secretKeyRef");
        return ref.get("name").asString() + "/" + ref.get("key").asString();
    }

    static List<Path> jobsFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("jobs"))) {
            return files.filter(file -> file.toString().endsWith(".yaml")).toList();
        }
    }
}
