package com.imagingmanifest.net.tools;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.ElementDictionary;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.dimse.QueryRetrieveLevel;
import java.util.List;
import java.util.Locale;

/**
 * {@code gateway find AE@HOST:PORT -L STUDY|SERIES|IMAGE -k KEY=VALUE...}: C-FIND in the Study Root
 * model. KEY is a PS3.6 keyword or (gggg,eeee); an empty VALUE asks for the attribute to be returned.
 * Prints each match on one line as KEY=VALUE pairs.
 */
public final class FindCommand {
    static final String USAGE = "gateway find AE@HOST:PORT -L STUDY|SERIES|IMAGE -k KEY=VALUE... [--aet CALLING]"
            + " [--connect-timeout SECONDS] [--timeout SECONDS]";

    private FindCommand() {
    }

    public static void main(String[] args) {
        CommandLine.run("find", USAGE, args, a -> {
            CommandLine cl = new CommandLine(a, List.of("-L", "-k"));
            if (cl.positional.size() != 1) {
                throw new CommandLine.UsageException("expected exactly one AE@HOST:PORT");
            }
            QueryRetrieveLevel level = null;
            DataSet keys = new DataSet();
            for (String[] o : cl.options) {
                if (o[0].equals("-L")) {
                    try {
                        level = QueryRetrieveLevel.valueOf(o[1].toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.UsageException("-L takes STUDY, SERIES or IMAGE, got " + o[1]);
                    }
                } else {
                    addKey(keys, o[1]);
                }
            }
            if (level == null) {
                throw new CommandLine.UsageException("missing -L STUDY|SERIES|IMAGE");
            }
            int[] count = {0};
            DimseStatus status;
            try (DimseClient client = cl.client()) {
                status = client.find(level, keys, match -> {
                    count[0]++;
                    System.out.println(format(match));
                    return true;
                });
            }
            System.err.println(count[0] + " match" + (count[0] == 1 ? "" : "es") + ", " + status);
        });
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
                throw new CommandLine.UsageException("not a tag: " + key);
            }
        } else {
            tag = ElementDictionary.tagOf(key);
            if (tag == -1) {
                throw new CommandLine.UsageException("unknown keyword " + key);
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
                throw new CommandLine.UsageException(key + " takes a number, got " + value);
            }
        } else {
            throw new CommandLine.UsageException(key + " (" + vr + ") cannot be a matching key");
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
