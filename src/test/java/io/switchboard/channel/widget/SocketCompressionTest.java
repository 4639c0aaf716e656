package io.switchboard.channel.widget;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.switchboard.conversation.Chat;
import io.switchboard.testing.Fixtures;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sockets decline permessage-deflate by default (docs/operations.md, {@code SOCKET_COMPRESSION}):
 * every browser offers it, and a socket that accepts it keeps a zlib deflater and inflater,
 * hundreds of KB of native memory, for as long as it is open.
 */
@QuarkusTest
class SocketCompressionTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    Vertx vertx;

    @Test
    void aSocketOfferedCompressionAsBrowsersDoIsOpenedWithoutIt() throws Exception {
        Fixtures.Team team = Fixtures.team(1, 5);
        Chat.Visitor visitor = Chat.visitor(team.channelKey());
        // The client offers "permessage-deflate; client_max_window_bits", as Chromium and Firefox do.
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setTryUsePerMessageCompression(true));
        try {
            // The handshake's headers are readable only in the callback that hands over the socket,
            // so the callback is attached on the event loop before the handshake can complete.
            CompletableFuture<Optional<String>> accepted = new CompletableFuture<>();
            vertx.runOnContext(v -> client.connect(new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                    .setURI("/ws/visitor?token=" + visitor.token())).onComplete(ar -> {
                if (ar.failed()) {
                    accepted.completeExceptionally(ar.cause());
                    return;
                }
                WebSocket ws = ar.result();
                MultiMap headers = ws.headers();
                if (headers == null) {
                    accepted.completeExceptionally(new AssertionError("no handshake headers in the connect callback"));
                } else {
                    accepted.complete(Optional.ofNullable(headers.get("Sec-WebSocket-Extensions")));
                }
                ws.close();
            }));
            assertThat(accepted.get(10, TimeUnit.SECONDS)).as("extensions the server accepted").isEmpty();
        } finally {
            client.close();
            Chat.retire(team.tenantId());
        }
    }
}
