package io.switchboard.attachment.blob;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;

/**
 * Starts S3Proxy with jclouds' in-memory ("transient") back-end. Loaded only through
 * {@link S3ProxyServer}'s class loader: jclouds needs Guice 7, and the test class path also
 * holds the Guice 5 that Quarkus' Maven bootstrap brings.
 */
public final class S3ProxyLauncher {

    private static S3Proxy proxy;

    private S3ProxyLauncher() {}

    /** Starts the server on a free port of 127.0.0.1, with one bucket; returns the port. */
    public static int start(String identity, String credential, String bucket) throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials(identity, credential).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, bucket);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, identity, credential)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        return proxy.getPort();
    }

    public static void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
    }
}
