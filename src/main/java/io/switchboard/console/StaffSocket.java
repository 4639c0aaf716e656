package io.switchboard.console;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.switchboard.agent.AgentService;
import io.switchboard.channel.widget.SocketReplies;
import io.switchboard.common.Problem;
import io.switchboard.conversation.ConversationService;
import io.switchboard.conversation.StaffResume;
import io.switchboard.protocol.FrameError;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The console's socket for agents, supervisors and admins. */
@WebSocket(path = "/ws/agent")
public class StaffSocket {

    private final Map<String, Caller> callers = new ConcurrentHashMap<>();
    /** Each open socket's resumes, by connection id. */
    private final Map<String, ResumeLane> resumes = new ConcurrentHashMap<>();
    private final StaffResume staffResume;
    private final StaffSessionGuard guard;
    private final LocalSessions sessions;
    private final ConversationService conversations;
    private final AgentService agents;
    private final ServerFrames frames;
    private final FrameCodec codec;
    private final FrameLimiter limiter;
    private final SocketMetrics metrics;
    private final Drain drain;

    StaffSocket(StaffSessionGuard guard, StaffResume staffResume, LocalSessions sessions, ConversationService conversations,
                AgentService agents, ServerFrames frames, FrameLimiter limiter, SocketMetrics metrics, Drain drain) {
        this.guard = guard;
        this.staffResume = staffResume;
        this.sessions = sessions;
        this.conversations = conversations;
        this.agents = agents;
        this.frames = frames;
        this.codec = frames.codec();
        this.limiter = limiter;
        this.metrics = metrics;
        this.drain = drain;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        return guard.admit(connection)
                .onFailure().recoverWithUni(e -> connection.close(StaffSessionGuard.UNAVAILABLE).replaceWith((Caller) null))
                .flatMap(staff -> staff == null ? closeUnauthorized(connection) : opened(connection, staff));
    }

    private static Uni<Void> closeUnauthorized(WebSocketConnection connection) {
        return connection.isOpen() ? connection.close(new CloseReason(SocketReplies.UNAUTHORIZED, "unauthorized"))
                : Uni.createFrom().voidItem();
    }

    private Uni<Void> opened(WebSocketConnection connection, Caller staff) {
        if (!connection.isOpen()) {
            // Gone while its session was checked: @OnClose has run already, so keep nothing.
            guard.release(connection);
            return Uni.createFrom().voidItem();
        }
        callers.put(connection.id(), staff);
        metrics.opened(SocketMetrics.Kind.STAFF);
        Uni<Void> registered = sessions.register(RedisKeys.staffChannel(staff.tenantId(), staff.id()), connection);
        if (!staff.isAgent()) {
            return registered;
        }
        // The console starts from the agent's current state.
        return registered.flatMap(v -> SocketReplies.reply(connection, frames, null, agents.statusFrame(staff)));
    }

    @OnTextMessage
    public Uni<Void> message(String text, WebSocketConnection connection) {
        Caller staff = callers.get(connection.id());
        if (staff == null) {
            return Uni.createFrom().voidItem();
        }
        SocketReplies.Admission admitted = SocketReplies.admit(connection, text, Side.STAFF, codec, limiter, frames);
        if (admitted.refusal() != null) {
            return admitted.refusal();
        }
        ClientFrame frame = admitted.frame();
        String ref = admitted.ref();
        Uni<List<String>> work;
        if (frame instanceof ClientFrame.SendMessage m) {
            work = conversations.staffMessage(staff, connection.id(), m);
        } else if (frame instanceof ClientFrame.Resume r) {
            return resume(staff, connection, r);
        } else if (frame instanceof ClientFrame.Typing t) {
            work = conversations.staffTyping(staff, t);
        } else if (frame instanceof ClientFrame.Read r) {
            work = conversations.staffRead(staff, r);
        } else if (frame instanceof ClientFrame.Close c) {
            work = conversations.staffClose(staff, c.conversationId());
        } else if (frame instanceof ClientFrame.SetStatus s) {
            // The new state reaches this socket through the agent's channel, like every other session.
            work = agents.setStatus(staff, s.status()).replaceWith(List.of());
        } else {
            work = Uni.createFrom().item(List.of());
        }
        return drain.track(SocketReplies.reply(connection, frames, ref, work));
    }

    /**
     * A resume runs beside the frame handling (see {@link ResumeLane}), so the socket answers
     * the frames sent after it at once; the lane holds this socket's resumes until it closes.
     */
    private Uni<Void> resume(Caller staff, WebSocketConnection connection, ClientFrame.Resume r) {
        ResumeLane lane = resumes.computeIfAbsent(connection.id(), id -> new ResumeLane(
                next -> drain.track(streamResume(staff, connection, next)), FrameCodec.MAX_RESUME_CURSORS));
        if (lane.submit(r)) {
            return Uni.createFrom().voidItem();
        }
        return connection.sendText(frames.error(new FrameError(FrameError.RATE_LIMITED,
                "resumes already wait for " + FrameCodec.MAX_RESUME_CURSORS + " conversations; send it again when they are done", null)));
    }

    private Uni<Void> streamResume(Caller staff, WebSocketConnection connection, ClientFrame.Resume r) {
        StaffResume.Sink sink = new StaffResume.Sink() {
            @Override
            public Uni<Void> write(List<String> out) {
                return writeAll(connection, out);
            }

            @Override
            public Uni<Void> refuse(String conversationId, Problem why) {
                // ref names the conversation whose cursor was refused; the resume goes on with the others.
                return connection.sendText(frames.error(SocketReplies.toError(why, conversationId)));
            }
        };
        return staffResume.run(staff, r, sink)
                .onFailure().recoverWithUni(t -> connection.isOpen()
                        ? connection.sendText(frames.error(SocketReplies.toError(t, null)))
                        : Uni.createFrom().voidItem())
                .onFailure().recoverWithNull();
    }

    /**
     * Writes the frames in order and completes once the socket has taken all of them: the
     * window a resume waits on before it reads its next page. A socket that closed fails it.
     */
    private static Uni<Void> writeAll(WebSocketConnection connection, List<String> out) {
        if (out.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (!connection.isOpen()) {
            return Uni.createFrom().failure(new IllegalStateException("socket closed"));
        }
        List<Uni<Void>> writes = new ArrayList<>(out.size());
        for (String f : out) {
            writes.add(connection.sendText(f));
        }
        return Uni.join().all(writes).andFailFast().replaceWithVoid();
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        resumes.remove(connection.id());
        Caller staff = callers.remove(connection.id());
        guard.release(connection);
        limiter.forget(connection.id());
        if (staff != null) {
            metrics.closed(SocketMetrics.Kind.STAFF);
            sessions.unregister(RedisKeys.staffChannel(staff.tenantId(), staff.id()), connection);
        }
    }
}
