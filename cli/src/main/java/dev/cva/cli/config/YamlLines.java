package dev.cva.cli.config;

import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Finds the line of a key path in a YAML document, so errors found after parsing can still name a line. */
final class YamlLines {
    private YamlLines() {}

    /** 1-based line of the deepest key of {@code path} that exists, or 0 when none does. */
    static int lineOf(String yaml, List<String> path) {
        Node node;
        try {
            node = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (RuntimeException e) {
            return 0;
        }
        int line = 0;
        for (String key : path) {
            if (!(node instanceof MappingNode mapping)) {
                break;
            }
            Node next = null;
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    line = k.getStartMark().getLine() + 1;
                    next = tuple.getValueNode();
                    break;
                }
            }
            if (next == null) {
                break;
            }
            node = next;
        }
        return line;
    }

    /** 1-based line of the first key of the block mapping at {@code path}, or 0 when there is no such mapping. */
    static int firstChildLine(String yaml, List<String> path) {
        Node node;
        try {
            node = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
        } catch (RuntimeException e) {
            return 0;
        }
        for (String key : path) {
            if (!(node instanceof MappingNode mapping)) {
                return 0;
            }
            Node next = null;
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    next = tuple.getValueNode();
                    break;
                }
            }
            if (next == null) {
                return 0;
            }
            node = next;
        }
        if (node instanceof MappingNode mapping
                && !mapping.getValue().isEmpty()
                && mapping.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK) {
            return mapping.getValue().get(0).getKeyNode().getStartMark().getLine() + 1;
        }
        return 0;
    }
}
