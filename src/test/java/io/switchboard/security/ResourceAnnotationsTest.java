package io.switchboard.security;

import io.quarkus.security.Authenticated;
import io.switchboard.conversation.ConversationResource;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every REST method of the service states who may call it: a role, or {@code @PermitAll} for
 * the few public ones. Endpoints that state nothing are refused by configuration
 * ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}, {@link DenyUnannotatedTest}); this
 * finds them before they ship, by reading every compiled class of the service.
 */
class ResourceAnnotationsTest {

    private static final List<Class<? extends Annotation>> HTTP_METHODS =
            List.of(GET.class, POST.class, PUT.class, DELETE.class, PATCH.class, HEAD.class, OPTIONS.class);
    private static final List<Class<? extends Annotation>> DECISIONS =
            List.of(RolesAllowed.class, PermitAll.class, DenyAll.class, Authenticated.class);

    /** Every class compiled from src/main/java. */
    static List<Class<?>> serviceClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        var root = Paths.get(ConversationResource.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            for (var file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.');
                name = name.substring(0, name.length() - ".class".length());
                classes.add(Class.forName(name, false, ResourceAnnotationsTest.class.getClassLoader()));
            }
        }
        return classes;
    }

    private static boolean decides(AnnotatedElement e) {
        return DECISIONS.stream().anyMatch(e::isAnnotationPresent);
    }

    private static boolean isEndpoint(Method m) {
        return HTTP_METHODS.stream().anyMatch(m::isAnnotationPresent) || m.isAnnotationPresent(Path.class);
    }

    @Test
    void everyRestMethodOfTheServiceStatesWhoMayCallIt() throws Exception {
        List<String> endpoints = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        for (Class<?> type : serviceClasses()) {
            for (Method m : type.getDeclaredMethods()) {
                if (!isEndpoint(m)) {
                    continue;
                }
                String name = type.getSimpleName() + "." + m.getName();
                endpoints.add(name);
                if (!decides(m) && !decides(type)) {
                    undecided.add(name);
                }
            }
        }
        // The scan found the service's endpoints at all (a broken scan would pass vacuously).
        assertThat(endpoints).contains("LoginResource.login", "WidgetVisitorResource.create",
                "ConversationResource.messages", "ConsoleRedirect.console").hasSizeGreaterThan(20);
        assertThat(undecided).as("REST methods with no @RolesAllowed, @PermitAll, @DenyAll or @Authenticated").isEmpty();
    }
}
