package io.switchboard.attachment;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.switchboard.security.ResolvedPath;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Request body limits by path. The HTTP transport has one limit for every request
 * ({@code quarkus.http.limits.max-body-size}), which must admit an upload; left alone it
 * would admit JSON bodies as large, and answer what is over it with a bare 413. So this
 * filter judges the declared length before anything is read: an upload may have the
 * attachment limit plus its multipart framing, every other request
 * {@code switchboard.http.max-body-size}; over it, 413 problem JSON. It runs after the
 * widget's CORS filter, so a widget on another origin can read the refusal, and before the
 * transport's own check. A body sent without a length (chunked) is held to the same limits
 * where the body is read as a stream, and to the transport limit otherwise.
 */
@ApplicationScoped
public class BodyLimits {

    private static final Logger LOG = Logger.getLogger(BodyLimits.class);

    /** The multipart framing around a file: boundaries, part headers, a long file name. */
    static final long MULTIPART_ALLOWANCE = 64 * 1024;

    /** After WidgetCors (100), before the transport's limit (route order -2, i.e. priority 2). */
    static final int PRIORITY = 50;

    private final long uploadLimit;
    private final long restLimit;
    private final long transportLimit;

    BodyLimits(AttachmentConfig attachments, BodyLimitConfig config,
               @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize transport) {
        this.uploadLimit = attachments.maxSize().asLongValue() + MULTIPART_ALLOWANCE;
        this.restLimit = config.maxBodySize().asLongValue();
        this.transportLimit = transport.asLongValue();
    }

    void warnIfTheTransportIsTooSmall(@Observes StartupEvent start) {
        if (transportLimit < uploadLimit) {
            LOG.warnf("quarkus.http.limits.max-body-size (%d bytes) is below the attachment limit plus multipart framing"
                    + " (%d bytes): files near the limit are refused with 413", transportLimit, uploadLimit);
        }
    }

    /** Uploads are POSTs to /api/v1/widget/attachments and /api/v1/conversations/{id}/attachments. */
    static boolean isUpload(HttpMethod method, String rawPath) {
        if (method != HttpMethod.POST) {
            return false;
        }
        ResolvedPath.Resolution path = ResolvedPath.resolve(rawPath);
        if (path.refused()) {
            return false;
        }
        String p = path.path();
        return path.is("/api/v1/widget/attachments")
                || p.startsWith("/api/v1/conversations/") && p.endsWith("/attachments")
                && p.chars().filter(c -> c == '/').count() == 5;
    }

    long limitFor(HttpMethod method, String rawPath) {
        return Math.min(transportLimit, isUpload(method, rawPath) ? uploadLimit : restLimit);
    }

    void register(@Observes Filters filters) {
        filters.register(this::judgeDeclaredLength, PRIORITY);
    }

    /** Bodies without a declared length: the transport reads this key where it streams a body. */
    void registerStreamLimit(@Observes Router router) {
        router.route().order(-1).handler(rc -> {
            if (rc.request().getHeader("Content-Length") == null) {
                rc.put(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY, limitFor(rc.request().method(), rc.request().path()));
            }
            rc.next();
        });
    }

    private void judgeDeclaredLength(RoutingContext rc) {
        String declared = rc.request().getHeader("Content-Length");
        if (declared != null) {
            long limit = limitFor(rc.request().method(), rc.request().path());
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = Long.MAX_VALUE;
            }
            if (length > limit) {
                JsonObject problem = new JsonObject()
                        .put("type", "about:blank")
                        .put("status", 413)
                        .put("title", "Content Too Large")
                        .put("detail", "the body may have at most " + limit + " bytes");
                // The body is not read: the connection closes after the answer, as the transport's own refusal does.
                rc.response().setStatusCode(413)
                        .putHeader("Content-Type", "application/problem+json")
                        .putHeader("Connection", "close")
                        .end(problem.encode());
                return;
            }
        }
        rc.next();
    }
}
