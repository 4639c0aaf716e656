package io.switchboard.channel.widget;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.conversation.ConversationService;
import io.switchboard.customer.VisitorPages;
import io.switchboard.event.LocalSessions;
import io.switchboard.operations.Drain;
import io.switchboard.operations.SocketMetrics;
import io.switchboard.ratelimit.FrameLimiter;
import io.switchboard.protocol.ClientFrame;
import io.switchboard.protocol.FrameCodec;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.Side;
import io.switchboard.routing.live.RedisKeys;
import io.switchboard.security.Caller;
import io.switchboard.security.TokenService;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The widget's socket: decodes frames and hands them to the conversation service. */
@WebSocket(path = "/ws/visitor")
public class VisitorSocket {

    private final Map<String, Caller> callers = new ConcurrentHashMap<>();
    private final TokenService tokens;
    private final LocalSessions sessions;
    private final ConversationService conversations;
    private final ServerFrames frames;
    private final FrameCodec codec;
    private final FrameLimiter limiter;
    private final SocketMetrics metrics;
    private final Drain drain;
    private final VisitorPages pages;

    VisitorSocket(TokenService tokens, LocalSessions sessions, ConversationService conversations, ServerFrames frames,
                  FrameLimiter limiter, SocketMetrics metrics, Drain drain, VisitorPages pages) {
        this.pages = pages;
        this.tokens = tokens;
        this.sessions = sessions;
        this.conversations = conversations;
        this.frames = frames;
        this.codec = frames.codec();
        this.limiter = limiter;
        this.metrics = metrics;
        this.drain = drain;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        var caller = tokens.verify(SocketReplies.queryParam(connection.handshakeRequest().query(), "token"))
                .filter(c -> c.kind() == Caller.Kind.VISITOR);
        if (caller.isEmpty()) {
            return connection.close(new CloseReason(SocketReplies.UNAUTHORIZED, "unauthorized"));
        }
        callers.put(connection.id(), caller.get());
        metrics.opened(SocketMetrics.Kind.VISITOR);
        return sessions.register(RedisKeys.visitorChannel(caller.get().tenantId(), caller.get().id()), connection);
    }

    @OnTextMessage
    public Uni<Void> message(String text, WebSocketConnection connection) {
        Caller visitor = callers.get(connection.id());
        if (visitor == null) {
            return Uni.createFrom().voidItem();
        }
        SocketReplies.Admission admitted = SocketReplies.admit(connection, text, Side.VISITOR, codec, limiter, frames);
        if (admitted.refusal() != null) {
            return admitted.refusal();
        }
        ClientFrame frame = admitted.frame();
        String ref = admitted.ref();
        Uni<List<String>> work;
        if (frame instanceof ClientFrame.SendMessage m) {
            work = conversations.visitorMessage(visitor, connection.id(), m);
        } else if (frame instanceof ClientFrame.Resume r) {
            work = conversations.visitorResume(visitor, r);
        } else if (frame instanceof ClientFrame.Typing t) {
            work = conversations.visitorTyping(visitor, t);
        } else if (frame instanceof ClientFrame.Read r) {
            work = conversations.visitorRead(visitor, r);
        } else if (frame instanceof ClientFrame.Rate r) {
            work = conversations.visitorRate(visitor, r);
        } else if (frame instanceof ClientFrame.Close c) {
            work = conversations.visitorClose(visitor, c);
        } else if (frame instanceof ClientFrame.Page p) {
            work = pages.record(visitor, p);
        } else {
            work = Uni.createFrom().item(List.of());
        }
        return drain.track(SocketReplies.reply(connection, frames, ref, work));
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        Caller visitor = callers.remove(connection.id());
        limiter.forget(connection.id());
        if (visitor != null) {
            metrics.closed(SocketMetrics.Kind.VISITOR);
            sessions.unregister(RedisKeys.visitorChannel(visitor.tenantId(), visitor.id()), connection);
        }
    }
}
