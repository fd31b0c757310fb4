package org.attrib.eslocal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.node.LocalNode;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

/**
 * Runs real Elasticsearch nodes, bound to 127.0.0.1 only.
 *
 * <p>Arguments: {@code --nodes N [--node I] --http-port P --transport-port T --data DIR --cluster-name NAME}.
 * Node i listens for HTTP on P+i and for transport on T+i, keeps its data in DIR/node-i, and
 * the nodes discover each other and form one cluster. With {@code --node I} this JVM runs only
 * node I of the N, so that each node can be its own process (and lose it alone); without it,
 * all N run here. The process runs until it is sent SIGTERM, which closes its nodes.
 */
public final class EsLocal {

    public static void main(String[] args) throws Exception {
        int nodes = 1;
        int only = -1;
        int httpPort = 9200;
        int transportPort = 9300;
        Path data = Path.of(".es-local");
        String clusterName = "attrib-local";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--nodes" -> { nodes = Integer.parseInt(value); i++; }
                case "--node" -> { only = Integer.parseInt(value); i++; }
                case "--http-port" -> { httpPort = Integer.parseInt(value); i++; }
                case "--transport-port" -> { transportPort = Integer.parseInt(value); i++; }
                case "--data" -> { data = Path.of(value); i++; }
                case "--cluster-name" -> { clusterName = value; i++; }
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }

        if (only >= nodes) {
            throw new IllegalArgumentException("--node " + only + " is not one of the " + nodes + " nodes (0.." + (nodes - 1) + ")");
        }

        LogConfigurator.registerErrorListener();
        setClusterNameForLogs(clusterName);
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(Settings.EMPTY);

        List<String> seeds = new ArrayList<>();
        List<String> masters = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            seeds.add("127.0.0.1:" + (transportPort + i));
            masters.add("node-" + i);
        }

        List<Class<? extends Plugin>> plugins = List.of(Netty4Plugin.class, MinHashAnalysisPlugin.class, RootInfoPlugin.class);
        List<Node> started = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            if (only >= 0 && i != only) {
                continue;
            }
            Path home = data.resolve("node-" + i).toAbsolutePath();
            Files.createDirectories(home.resolve("config"));
            Settings.Builder settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", clusterName)
                .put("node.name", "node-" + i)
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort + i)
                .put("transport.port", transportPort + i)
                .put("transport.type", "netty4")
                .put("http.type", "netty4")
                // A developer machine's disk may be fuller than a server's; do not let the
                // watermarks turn the local indices read-only.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", true);
            if (nodes > 1) {
                settings.putList("discovery.seed_hosts", seeds).putList("cluster.initial_master_nodes", masters);
            } else {
                settings.put("discovery.type", "single-node");
            }
            Node node = new LocalNode(settings.build(), plugins);
            started.add(node);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Node node : started) {
                try {
                    node.close();
                } catch (IOException | RuntimeException e) {
                    System.err.println("es-local: closing " + node.settings().get("node.name") + ": " + e);
                }
            }
            stopped.countDown();
        }, "es-local-shutdown"));
        for (Node node : started) {
            node.start();
        }
        if (only >= 0) {
            System.out.println("es-local: node-" + only + " of " + nodes + " started, http://127.0.0.1:" + (httpPort + only));
        } else {
            System.out.println("es-local: " + nodes + " node(s) started, http://127.0.0.1:" + httpPort);
        }
        stopped.await();
    }

    /**
     * Elasticsearch puts the cluster name in its log lines with
     * {@code LogConfigurator.setClusterName}, which 8.x and 9.2+ have and 9.0.0 lacks
     * (it logs without the name).
     */
    private static void setClusterNameForLogs(String clusterName) throws ReflectiveOperationException {
        try {
            LogConfigurator.class.getMethod("setClusterName", String.class).invoke(null, clusterName);
        } catch (NoSuchMethodException e) {
            // this version logs without the cluster name
        }
    }
}
