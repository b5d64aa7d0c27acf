package io.tokentally;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on a free loopback port to a server (the test database, the broker), which a test can cut (every
 * connection closed, new ones refused, as when the server is out of reach) and then restore on the same port (a
 * port freed by a cut could in principle be taken meanwhile; restore then fails, naming the port), or freeze (every
 * connection kept open, no byte passed either way, as when the network drops packets) and then thaw.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = new HashSet<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tcp-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private ServerSocket server;
    private final Object thawed = new Object();
    private boolean frozen;

    public TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = listen(0);
        this.port = server.getLocalPort();
    }

    /** The port the proxy listens on. */
    public int port() {
        return port;
    }

    /** Closes every connection and refuses new ones. */
    public synchronized void cut() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    /** Takes connections again, on the same port. */
    public synchronized void restore() throws IOException {
        if (server.isClosed()) {
            try {
                server = listen(port);
            } catch (BindException e) {
                throw new IOException("port " + port + " was taken while the proxy was cut", e);
            }
        }
    }

    /** Keeps every connection open but passes no byte, either way, until {@link #thaw}. */
    public void freeze() {
        synchronized (thawed) {
            frozen = true;
        }
    }

    /** Passes the bytes held by {@link #freeze} on, and every byte after them. */
    public void thaw() {
        synchronized (thawed) {
            frozen = false;
            thawed.notifyAll();
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        threads.shutdownNow();
    }

    private ServerSocket listen(int onPort) throws IOException {
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
        threads.execute(() -> accept(listening));
        return listening;
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                connect(listening, listening.accept());
            } catch (IOException e) {
                // closed by cut(): no more connections
            }
        }
    }

    /**
     * Joins {@code client} to a new connection to the target, unless a cut closed {@code listening} since it was
     * accepted (under the lock cut() holds, so no connection outlives a cut) or the target refuses: then it closes.
     */
    private synchronized void connect(ServerSocket listening, Socket client) {
        Socket upstream;
        try {
            if (listening.isClosed()) {
                throw new IOException("cut");
            }
            upstream = new Socket(target.getHostString(), target.getPort());
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        open.add(client);
        open.add(upstream);
        threads.execute(() -> pipe(client, upstream));
        threads.execute(() -> pipe(upstream, client));
    }

    /** Copies {@code from}'s bytes to {@code to}, holding them while frozen, until either ends; then closes both. */
    private void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
                awaitThawed();
                out.write(buffer, 0, read);
            }
        } catch (IOException e) {
            // a connection ended: the other side is closed below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitThawed() throws IOException {
        synchronized (thawed) {
            while (frozen) {
                try {
                    thawed.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("the proxy was closed while frozen", e);
                }
            }
        }
    }

    private synchronized void forget(Socket socket) {
        open.remove(socket);
    }

    private void closeQuietly(Socket socket) {
        forget(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
