package io.switchboard.it;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * Opens test clients' sockets so that no frame the server writes at once is lost.
 *
 * <p>Vert.x (4.5) resumes a new client socket before the connect callbacks run, and
 * {@link ClientWebSocket} installs the handlers given before the handshake only in such a
 * callback. Started from a thread outside Vert.x, the connection and that callback are on
 * two different event loops, so a frame arriving in between finds no handler and is
 * dropped: a console's first {@code status} frame, about once in a thousand sockets against
 * a warmed-up replica. Started on an event loop, the connection is made on that loop and
 * the callback runs on it before the next frame is read.
 */
public final class ClientSockets {

    private ClientSockets() {}

    public static Future<WebSocket> connect(Vertx vertx, WebSocketClient client, WebSocketConnectOptions options,
                                            Handler<String> frames) {
        Promise<WebSocket> opened = Promise.promise();
        // From a thread outside Vert.x this is a fresh event-loop context, inside one the current one.
        vertx.getOrCreateContext().runOnContext(v -> {
            ClientWebSocket ws = client.webSocket();
            ws.textMessageHandler(frames);
            ws.connect(options).onComplete(opened);
        });
        return opened.future();
    }
}
