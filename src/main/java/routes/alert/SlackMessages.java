package routes.alert;

import com.slack.api.model.Message;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.composition.TextObject;
import routes.model.Alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Alerts as Slack Block Kit messages ({@code bean:slackMessages} in {@code alert-routing.yaml}): a header with the
 * severity and title, the source, confidence, count and time span as fields, the strongest evidence from the score
 * breakdown, and a link to the alert. The plain {@code text} is the notification's fallback.
 */
public final class SlackMessages {

    private static final int EVIDENCE_LINES = 3;

    private final SlackProperties slack;

    public SlackMessages(SlackProperties slack) {
        this.slack = slack;
    }

    /** The channel for an alert's severity, or the webhook's own (an empty name). */
    public String channel(Alert alert) {
        return slack.channels().getOrDefault(alert.severity(), "");
    }

    public Message message(Alert alert) {
        String severity = alert.severity().toUpperCase(Locale.ROOT);
        String group = alert.group().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(HeaderBlock.builder().text(PlainTextObject.builder()
                .text(shorten("[" + severity + "] " + alert.title(), 150)).build()).build());
        List<TextObject> fields = List.of(
                markdown("*Source*\n" + (group.isEmpty() ? "-" : group)),
                markdown(String.format(Locale.ROOT, "*Confidence*\n%.0f%% (%s)", alert.confidence() * 100,
                        alert.severity())),
                markdown("*Events*\n" + alert.count()),
                markdown("*Seen*\n" + alert.firstSeen() + " to " + alert.lastSeen()));
        blocks.add(SectionBlock.builder().fields(fields).build());
        List<String> evidence = alert.breakdown().stream()
                .filter(line -> !line.startsWith("prior ") && !line.startsWith("posterior ")).limit(EVIDENCE_LINES)
                .map(line -> "• " + line).toList();
        if (!evidence.isEmpty()) {
            blocks.add(SectionBlock.builder().text(markdown("*Why*\n" + shorten(String.join("\n", evidence), 2900)))
                    .build());
        }
        blocks.add(ContextBlock.builder().elements(List.of(markdown("<" + slack.alertLinkBase() + alert.id()
                + "|Open the alert> · status " + alert.status() + " · rule " + alert.ruleId()))).build());
        Message message = new Message();
        message.setText(severity + ": " + alert.title() + (group.isEmpty() ? "" : " (" + group + ")"));
        message.setBlocks(blocks);
        return message;
    }

    private static MarkdownTextObject markdown(String text) {
        return MarkdownTextObject.builder().text(text).build();
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
