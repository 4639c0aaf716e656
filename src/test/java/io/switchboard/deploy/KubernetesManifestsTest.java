package io.switchboard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests in k8s/ must fit the application they deploy: they parse, every
 * configuration name they set is one the application reads, the container port is the
 * one the application listens on, and every probe path answers.
 */
@QuarkusTest
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Map<String, JsonNode> byKind() throws IOException {
        Map<String, JsonNode> out = new HashMap<>();
        JsonNode kustomization = YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
        for (JsonNode resource : kustomization.path("resources")) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(K8S.resolve(resource.asText()).toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    assertThat(doc.path("apiVersion").asText()).as("apiVersion in " + resource).isNotBlank();
                    assertThat(doc.path("metadata").path("name").asText()).as("name in " + resource).isNotBlank();
                    out.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
                }
            }
        }
        return out;
    }

    /** Environment names application.properties reads, as in ${NAME} or ${NAME:default}. */
    private static Set<String> variablesTheApplicationReads() throws IOException {
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(properties);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyManifestParsesAndKustomizationListsThemAll() throws IOException {
        Map<String, JsonNode> docs = byKind();
        assertThat(docs.keySet()).contains("Deployment/switchboard", "Service/switchboard", "HorizontalPodAutoscaler/switchboard",
                "PodDisruptionBudget/switchboard", "ConfigMap/switchboard-config", "Secret/switchboard-secrets",
                "Secret/switchboard-jwt", "Ingress/switchboard");
        try (var files = Files.list(K8S)) {
            List<String> yamls = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList();
            List<String> listed = new ArrayList<>();
            YAML.readTree(K8S.resolve("kustomization.yaml").toFile()).path("resources").forEach(r -> listed.add(r.asText()));
            assertThat(listed).containsExactlyInAnyOrderElementsOf(yamls);
        }
    }

    @Test
    void everyConfigurationNameIsOneTheApplicationReads() throws IOException {
        Map<String, JsonNode> docs = byKind();
        Set<String> known = variablesTheApplicationReads();
        List<String> names = new ArrayList<>();
        docs.get("ConfigMap/switchboard-config").path("data").fieldNames().forEachRemaining(names::add);
        docs.get("Secret/switchboard-secrets").path("stringData").fieldNames().forEachRemaining(names::add);
        docs.get("Deployment/switchboard").path("spec").path("template").path("spec").path("containers").get(0)
                .path("env").forEach(e -> names.add(e.path("name").asText()));
        for (String name : names) {
            // QUARKUS_* names map onto Quarkus's own properties by the environment-variable rules.
            if (!name.startsWith("QUARKUS_")) {
                assertThat(known).as("configuration name %s is read by application.properties", name).contains(name);
            }
        }
    }

    @Test
    void containerPortProbesAndServiceFitTheApplication() throws IOException {
        Map<String, JsonNode> docs = byKind();
        JsonNode container = docs.get("Deployment/switchboard").path("spec").path("template").path("spec").path("containers").get(0);
        int containerPort = container.path("ports").get(0).path("containerPort").asInt();
        String portEnv = null;
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals("PORT")) {
                portEnv = e.path("value").asText();
            }
        }
        assertThat(portEnv).isEqualTo(Integer.toString(containerPort));
        assertThat(docs.get("Service/switchboard").path("spec").path("ports").get(0).path("targetPort").asText())
                .isEqualTo(container.path("ports").get(0).path("name").asText());

        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            String path = container.path(probe).path("httpGet").path("path").asText();
            assertThat(path).as(probe).startsWith("/q/health");
            given().when().get(path).then().statusCode(200);
        }
        // Sockets need the grace period to hear "reconnect elsewhere" before the pod goes.
        assertThat(docs.get("Deployment/switchboard").path("spec").path("template").path("spec")
                .path("terminationGracePeriodSeconds").asInt()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void ingressKeepsWebSocketsOpenLongerThanThePingInterval() throws IOException {
        JsonNode annotations = byKind().get("Ingress/switchboard").path("metadata").path("annotations");
        assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asInt()).isGreaterThan(30);
    }
}
