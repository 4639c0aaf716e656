package io.switchboard.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.UUID;
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
 * run) and a key pair every replica shares, made for this run: the production profile refuses
 * the development pair, as it must. {@code switchboard.app.jar} names the jar.
 */
public record PackagedApp(Path runJar, Path target, Path keys, Path copy) implements AutoCloseable {

    public static PackagedApp prepare() {
        Path jar = Path.of(System.getProperty("switchboard.app.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assertThat(jar).as("the packaged application (run through ./mvnw verify)").isRegularFile();
        Path target = jar.getParent().getParent();
        Path keys = freshKeyPair(target);
        Path copy = copyApplication(jar.getParent());
        return new PackagedApp(copy.resolve(jar.getFileName()), target, keys, copy);
    }

    /** File names of the pair in {@link #keys()}. */
    public static final String PUBLIC_PEM = "jwt-public.pem";
    public static final String PRIVATE_PEM = "jwt-private.pem";

    /** The development pair in the source tree (src/dev/keys), which production must refuse. */
    public Path devKeys() {
        return target.getParent().resolve("src/dev/keys");
    }

    /** A new RSA pair in PEM (PKCS#8 and X.509, as openssl genpkey and pkey -pubout write them) under target/. */
    static Path freshKeyPair(Path target) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path dir = Files.createDirectories(target.resolve("it-keys")).resolve(UUID.randomUUID().toString());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(PUBLIC_PEM), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            Files.writeString(dir.resolve(PRIVATE_PEM), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
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
