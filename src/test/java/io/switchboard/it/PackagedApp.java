package io.switchboard.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application the integration tests launch: a private copy of
 * {@code target/quarkus-app} (other builds in the same tree may repackage it while replicas
 * run) and the dev key pair every replica shares. {@code switchboard.app.jar} names the jar.
 */
public record PackagedApp(Path runJar, Path target, Path keys, Path copy) implements AutoCloseable {

    public static PackagedApp prepare() {
        Path jar = Path.of(System.getProperty("switchboard.app.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged application (run through ./mvnw verify)").isRegularFile();
        Path target = jar.getParent().getParent();
        Path keys = target.getParent().resolve("src/main/resources/keys");
        assertThat(keys.resolve("dev-public.pem")).isRegularFile();
        assertThat(keys.resolve("dev-private.pem")).isRegularFile();
        Path copy = copyApplication(jar.getParent());
        return new PackagedApp(copy.resolve(jar.getFileName()), target, keys, copy);
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(copy)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + copy + ": " + e.getMessage());
        }
    }

    private static Path copyApplication(Path appDir) {
        try {
            Path copy = Files.createTempDirectory("switchboard-it-");
            try (Stream<Path> files = Files.walk(appDir)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path dest = copy.resolve(appDir.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(dest);
                    } else {
                        Files.copy(source, dest, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + appDir, e);
        }
    }
}
