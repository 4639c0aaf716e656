package io.switchboard.channel.widget;

import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.common.Problem;
import io.switchboard.protocol.ClientFrame;
import io.switchboard.protocol.FrameCodec;
import io.switchboard.protocol.FrameError;
import io.switchboard.protocol.Side;
import io.switchboard.ratelimit.FrameLimiter;
import io.switchboard.protocol.ServerFrames;
import io.vertx.pgclient.PgException;
import org.jboss.logging.Logger;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What visitor and staff sockets share: reading the token from the query string,
 * writing replies in order, and turning any failure into an {@code error} frame so a
 * socket is never closed because one frame was refused.
 */
public final class SocketReplies {

    private static final Logger LOG = Logger.getLogger(SocketReplies.class);

    /** Close code for a missing, forged or expired token (PROTOCOL.md). */
    public static final int UNAUTHORIZED = 4401;

    private SocketReplies() {}

    public static String queryParam(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * A frame let through to the services, or the answer already owed to the client when it
     * was refused: exactly one of {@code frame} and {@code refusal} is set.
     */
    public record Admission(ClientFrame frame, String ref, Uni<Void> refusal) {}

    /**
     * Decodes a frame and charges it to the socket's rate limit. The limit is charged before
     * the frame is judged, malformed frames included: a flood is a flood.
     */
    public static Admission admit(WebSocketConnection connection, String text, Side side, FrameCodec codec,
                                  FrameLimiter limiter, ServerFrames frames) {
        FrameCodec.Decoded decoded = codec.decode(text, side);
        ClientFrame frame = decoded.frame();
        String ref = frame instanceof ClientFrame.SendMessage m ? m.clientId() : null;
        if (!limiter.allow(connection.id(), side == Side.STAFF)) {
            return new Admission(null, ref, connection.sendText(
                    frames.error(new FrameError(FrameError.RATE_LIMITED, "too many frames; slow down", ref))));
        }
        if (decoded.error() != null) {
            return new Admission(null, ref, connection.sendText(frames.error(decoded.error())));
        }
        return new Admission(frame, ref, null);
    }

    /** Sends the frames one after another, so the client sees them in order. */
    public static Uni<Void> send(WebSocketConnection connection, List<String> frames) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String f : frames) {
            chain = chain.flatMap(v -> connection.sendText(f));
        }
        return chain;
    }

    public static FrameError toError(Throwable t, String ref) {
        if (t instanceof Problem p) {
            String code = switch (p.status()) {
                case 404 -> FrameError.NOT_FOUND;
                case 403 -> FrameError.FORBIDDEN;
                case 409 -> FrameError.CONFLICT;
                case 429 -> FrameError.RATE_LIMITED;
                default -> FrameError.INVALID;
            };
            String message = p.errors().isEmpty() ? p.getMessage()
                    : p.errors().get(0).field() + ": " + p.errors().get(0).message();
            return new FrameError(code, message, ref);
        }
        if (t instanceof PgException || t instanceof io.vertx.core.VertxException || t instanceof java.net.ConnectException) {
            LOG.warnf("frame failed on storage: %s", t.getMessage());
            return new FrameError(FrameError.UNAVAILABLE, "temporarily unavailable, retry", ref);
        }
        LOG.errorf(t, "frame failed");
        return new FrameError(FrameError.INTERNAL, "internal error", ref);
    }

    /** Runs the work and writes its frames, or an error frame; never fails. */
    public static Uni<Void> reply(WebSocketConnection connection, ServerFrames frames, String ref, Uni<List<String>> work) {
        return work.onItem().transformToUni(list -> send(connection, list))
                // A socket closed meanwhile (its client left, or the replica is stopping) needs no error frame.
                .onFailure().recoverWithUni(t -> connection.isOpen()
                        ? connection.sendText(frames.error(toError(t, ref)))
                        : Uni.createFrom().voidItem())
                .onFailure().recoverWithNull();
    }
}
