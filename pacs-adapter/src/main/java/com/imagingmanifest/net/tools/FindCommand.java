package com.imagingmanifest.net.tools;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.ElementDictionary;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.json.DicomJson;
import com.imagingmanifest.dicom.tools.Tool;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.dimse.QueryRetrieveLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code gateway find AE@HOST:PORT -L STUDY|SERIES|IMAGE -k KEY=VALUE...}: C-FIND in the Study Root
 * model, as DCMTK's findscu. KEY is a PS3.6 keyword or (gggg,eeee); an empty VALUE asks for the
 * attribute to be returned. Prints each match on one line as KEY=VALUE pairs on standard output (for grep
 * and awk), or with {@code --json} one JSON array of the matches in the DICOM JSON model (PS3.18 F.2,
 * what QIDO-RS answers, for jq); the count and final status go to standard error either way.
 */
@Command(name = "gateway find", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Queries a DICOM peer with C-FIND (Study Root); one line of KEY=VALUE pairs per match,"
                + " or a DICOM JSON array with --json.")
public final class FindCommand extends Tool.Body {
    @Parameters(index = "0", paramLabel = "AE@HOST:PORT", description = "the peer: its AE title, host and port")
    String peer;

    @Option(names = {"-L", "--level"}, required = true, paramLabel = "STUDY|SERIES|IMAGE",
            converter = LevelConverter.class, description = "the query level")
    QueryRetrieveLevel level;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY=VALUE", description = "a matching or return key (repeatable)")
    List<String> keys = new ArrayList<>();

    @Option(names = "--json", description = "print the matches as one JSON array in the DICOM JSON model"
            + " (PS3.18 F.2), as QIDO-RS answers")
    boolean json;

    @Mixin
    PeerOptions options;

    public static void main(String[] args) {
        Tool.main(new FindCommand(), args);
    }

    @Override
    public Integer call() {
        DataSet query = new DataSet();
        keys.forEach(k -> addKey(query, k));
        int[] count = {0};
        DimseStatus status;
        try (DimseClient client = options.client(peer)) {
            if (json) {
                out.print('[');
            }
            // each match is printed as it arrives, so a long answer streams into the next program
            status = client.find(level, query, match -> {
                count[0]++;
                if (json) {
                    out.print(count[0] == 1 ? "\n" : ",\n");
                    out.print(DicomJson.write(match));
                } else {
                    out.println(format(match));
                }
                return true;
            });
            if (json) {
                out.println(count[0] == 0 ? "]" : "\n]");
            }
        }
        err.println(count[0] + " match" + (count[0] == 1 ? "" : "es") + ", " + status);
        return Tool.OK;
    }

    /** {@code -L} case-insensitively, with the allowed values in the error. */
    static final class LevelConverter implements ITypeConverter<QueryRetrieveLevel> {
        @Override
        public QueryRetrieveLevel convert(String value) {
            try {
                return QueryRetrieveLevel.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("-L takes STUDY, SERIES or IMAGE, got " + value);
            }
        }
    }

    static void addKey(DataSet keys, String pair) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        int tag;
        if (key.startsWith("(") || key.matches("[0-9A-Fa-f]{4},?[0-9A-Fa-f]{4}")) {
            try {
                tag = Tag.parse(key);
            } catch (IllegalArgumentException e) {
                throw new Tool.BadArgument("not a tag: " + key);
            }
        } else {
            tag = ElementDictionary.tagOf(key);
            if (tag == -1) {
                throw new Tool.BadArgument("unknown keyword " + key);
            }
        }
        Vr vr = ElementDictionary.vrOf(tag);
        if (vr == Vr.SQ) {
            keys.newSequence(tag);
        } else if (value.isEmpty()) {
            keys.setEmpty(tag, vr);
        } else if (vr.isString()) {
            keys.setString(tag, vr, value);
        } else if (vr == Vr.US || vr == Vr.UL || vr == Vr.SS || vr == Vr.SL) {
            try {
                keys.setInt(tag, vr, Integer.parseInt(value));
            } catch (NumberFormatException e) {
                throw new Tool.BadArgument(key + " takes a number, got " + value);
            }
        } else {
            throw new Tool.BadArgument(key + " (" + vr + ") cannot be a matching key");
        }
    }

    static String format(DataSet match) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < match.size(); i++) {
            int tag = match.tagAt(i);
            if (Tag.group(tag) == 0x0008 && Tag.element(tag) == 0x0005) {
                continue; // Specific Character Set says how, not what
            }
            String keyword = ElementDictionary.keywordOf(tag);
            Object value = match.valueAt(i);
            String text = value instanceof Sequence s ? "(" + s.size() + " items)" : match.getString(tag, "");
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(keyword != null ? keyword : Tag.toString(tag)).append('=').append(text);
        }
        return sb.toString();
    }
}
