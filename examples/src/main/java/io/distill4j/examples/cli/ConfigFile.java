package io.distill4j.examples.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.distill4j.core.Checks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A run described by a JSON file: one key per long option name without dashes ({@code
 * "dataset": "ferplus"}, {@code "epochs": 30}, {@code "weights": "kd+triplet=1,0.5"}; several
 * map entries are joined by {@code ;}). Values in the file are defaults; options on the command
 * line win. A key in the file counts as given, as on the command line: an option that would have
 * no effect (say {@code warmup} with the cosine schedule) is refused. Every run writes its
 * effective configuration, every option that takes effect, as {@code config.json} beside its
 * results, so {@code distill <command> --config <out>/config.json} repeats it exactly.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider, GivenOptions.UserValues {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final java.util.Set<String> NOT_SAVED =
            java.util.Set.of("help", "version", "config", "verbose");

    private final Path file;
    private final Map<String, String> values;

    private ConfigFile(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    /** Reads the file named by {@code --config} in the arguments, if any. */
    static ConfigFile fromArgs(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String path = null;
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                path = args[i].substring("--config=".length());
            }
            if (path != null) {
                return read(Path.of(path));
            }
        }
        return null;
    }

    static ConfigFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException(
                    Checks.format("cannot read --config %s: %s", file, e.getMessage()), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        try {
            JsonObject root = JsonParser.parseString(text).getAsJsonObject();
            for (Map.Entry<String, JsonElement> e : root.entrySet()) {
                JsonElement v = e.getValue();
                if (!v.isJsonNull()) {
                    values.put(e.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
                }
            }
        } catch (JsonParseException | IllegalStateException e) {
            throw new UserException(
                    Checks.format("--config %s is not a JSON object: %s", file, e.getMessage()), e);
        }
        return new ConfigFile(file, values);
    }

    /** Refuses keys that are not options of the command, naming them and the file. */
    void checkKeys(CommandSpec spec) {
        for (String key : values.keySet()) {
            if (key.equals("command")) {
                continue;
            }
            if (spec.findOption("--" + key) == null) {
                throw new UserException(
                        Checks.format(
                                "--config %s: '%s' is not an option of %s",
                                file, key, spec.qualifiedName()));
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public java.util.Optional<String> source(String key) {
        return values.containsKey(key)
                ? java.util.Optional.of(file.toString())
                : java.util.Optional.empty();
    }

    /** {@inheritDoc} */
    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option) {
            return values.get(option.longestName().replaceFirst("^--", ""));
        }
        return null;
    }

    /**
     * Writes the effective value of every option that takes effect.
     *
     * @param spec the command
     * @param out the folder to write {@code config.json} in
     * @param rules the options' rules: those not used are left out (a replay would refuse them)
     * @throws IOException if writing fails
     */
    static void save(CommandSpec spec, Path out, java.util.List<OptionRule> rules)
            throws IOException {
        java.util.Set<String> unused = new java.util.HashSet<>();
        for (OptionRule rule : rules) {
            if (!rule.used()) {
                unused.add(rule.option());
            }
        }
        Map<String, Object> config = new TreeMap<>();
        for (OptionSpec option : spec.options()) {
            String key = option.longestName().replaceFirst("^--", "");
            Object value = option.getValue();
            if (NOT_SAVED.contains(key) || value == null || unused.contains(option.longestName())) {
                continue;
            }
            if (value instanceof Map<?, ?> map) {
                if (map.isEmpty()) {
                    continue;
                }
                StringBuilder sb = new StringBuilder();
                map.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append('=').append(v));
                value = sb.toString();
            } else if (value instanceof java.util.Collection<?> list) {
                StringBuilder sb = new StringBuilder();
                list.forEach(v -> sb.append(sb.length() == 0 ? "" : ",").append(v));
                value = sb.toString();
            } else if (value instanceof Path p) {
                value = p.toAbsolutePath().toString();
            } else if (!(value instanceof Number || value instanceof Boolean)) {
                value = value.toString();
            }
            config.put(key, value);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", spec.name());
        root.putAll(config);
        Files.createDirectories(out);
        Files.writeString(out.resolve("config.json"), GSON.toJson(root), StandardCharsets.UTF_8);
    }
}
