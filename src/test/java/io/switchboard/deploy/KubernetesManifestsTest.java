package io.switchboard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.security.LaunchSafety;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /**
     * The shipped secrets are placeholders a replica refuses (LaunchSafety, the check the
     * production start runs), never a usable key pair or password, and the file says how to
     * make the real ones.
     */
    @Test
    void shippedSecretsAreRefusedPlaceholdersWithInstructions() throws IOException {
        Map<String, JsonNode> docs = byKind();
        JsonNode jwt = docs.get("Secret/switchboard-jwt").path("stringData");
        JsonNode secrets = docs.get("Secret/switchboard-secrets").path("stringData");
        JsonNode config = docs.get("ConfigMap/switchboard-config").path("data");
        List<String> refusals = LaunchSafety.refusals(
                Optional.of(LaunchSafety.KeyInput.read(config.path("JWT_PUBLIC_KEY").asText(), jwt.path("public.pem").asText())),
                Optional.of(LaunchSafety.KeyInput.read(config.path("JWT_PRIVATE_KEY").asText(), jwt.path("private.pem").asText())),
                Boolean.parseBoolean(config.path("DEMO").asText()),
                Optional.of(secrets.path("BOOTSTRAP_ADMIN_PASSWORD").asText()));
        assertThat(refusals).anyMatch(r -> r.startsWith("JWT_PUBLIC_KEY: /etc/switchboard/jwt/public.pem holds no RSA public key"))
                .anyMatch(r -> r.startsWith("JWT_PRIVATE_KEY: /etc/switchboard/jwt/private.pem holds no RSA private key"))
                .anyMatch(r -> r.startsWith("BOOTSTRAP_ADMIN_PASSWORD is a placeholder"))
                .noneMatch(r -> r.startsWith("DEMO"));
        assertThat(config.path("DEMO").asText()).isEqualTo("false");
        assertThat(secrets.path("DB_PASSWORD").asText()).isEqualTo("REPLACE-ME");

        String text = Files.readString(K8S.resolve("secret.yaml"));
        assertThat(text).contains("openssl genpkey -algorithm RSA", "openssl pkey -in private.pem -pubout",
                "kubectl create secret generic switchboard-jwt --from-file=public.pem --from-file=private.pem",
                "kubectl create secret generic switchboard-secrets");
    }

    /** The mounted key paths are the ones the ConfigMap names, from the JWT secret. */
    @Test
    void jwtKeysComeFromTheMountedSecret() throws IOException {
        Map<String, JsonNode> docs = byKind();
        JsonNode pod = docs.get("Deployment/switchboard").path("spec").path("template").path("spec");
        String mountPath = null;
        for (JsonNode m : pod.path("containers").get(0).path("volumeMounts")) {
            if (m.path("name").asText().equals("jwt")) {
                mountPath = m.path("mountPath").asText();
            }
        }
        String secretName = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals("jwt")) {
                secretName = v.path("secret").path("secretName").asText();
            }
        }
        assertThat(secretName).isEqualTo("switchboard-jwt");
        JsonNode config = docs.get("ConfigMap/switchboard-config").path("data");
        assertThat(config.path("JWT_PUBLIC_KEY").asText()).isEqualTo(mountPath + "/public.pem");
        assertThat(config.path("JWT_PRIVATE_KEY").asText()).isEqualTo(mountPath + "/private.pem");
    }
}
