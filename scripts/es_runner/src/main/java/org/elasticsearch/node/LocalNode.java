package org.elasticsearch.node;

import java.util.Collection;
import java.util.Map;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

/**
 * A real Elasticsearch node whose modules are plugin classes on the classpath.
 *
 * <p>A packaged Elasticsearch loads its modules from a {@code modules/} folder; the
 * Maven Central artifacts give us the same code as jars instead. Elasticsearch's own test
 * framework runs nodes this way ({@code MockNode}), but that class also bootstraps the
 * randomized test harness, which refuses to run as root and installs test-only hooks.
 * This class keeps only the part we need: the stock node, with its plugin service fed
 * from the classpath. It lives in this package because the node's service provider is
 * package-private.
 */
public final class LocalNode extends Node {

    public LocalNode(Settings settings, Collection<Class<? extends Plugin>> plugins) {
        super(NodeConstruction.prepareConstruction(
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> settings.get("node.name")),
            null,
            new NodeServiceProvider() {
                @Override
                PluginsService newPluginService(Environment environment, PluginsLoader loader) {
                    return new MockPluginsService(environment.settings(), environment, plugins);
                }
            },
            false
        ));
    }
}
