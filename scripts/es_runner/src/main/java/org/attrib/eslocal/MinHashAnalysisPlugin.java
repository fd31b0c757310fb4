package org.attrib.eslocal;

import java.util.Map;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.minhash.MinHashFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * Registers the {@code min_hash} token filter, backed by Lucene's MinHashFilter, with the
 * same settings as Elasticsearch's analysis-common module. Elasticsearch 8 does not publish
 * analysis-common to Maven Central; the server jar already ships the {@code shingle} filter
 * and Lucene's analysis library, so this is the one filter the local cluster has to add.
 *
 * <p>The factory implements {@link TokenFilterFactory} itself rather than extending
 * {@code AbstractTokenFilterFactory}, whose constructor changed in Elasticsearch 9: the
 * interface is the same on 8 and 9.
 */
public final class MinHashAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of("min_hash", (indexSettings, env, name, settings) -> new Factory(name, settings));
    }

    static final class Factory implements TokenFilterFactory {
        private final String name;
        private final int hashCount;
        private final int bucketCount;
        private final int hashSetSize;
        private final boolean withRotation;

        Factory(String name, Settings settings) {
            this.name = name;
            this.hashCount = settings.getAsInt("hash_count", MinHashFilter.DEFAULT_HASH_COUNT);
            this.bucketCount = settings.getAsInt("bucket_count", MinHashFilter.DEFAULT_BUCKET_COUNT);
            this.hashSetSize = settings.getAsInt("hash_set_size", MinHashFilter.DEFAULT_HASH_SET_SIZE);
            this.withRotation = settings.getAsBoolean("with_rotation", bucketCount > 1);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return new MinHashFilter(tokenStream, hashCount, bucketCount, hashSetSize, withRotation);
        }
    }
}
