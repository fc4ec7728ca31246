package routes.api;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import routes.detect.anomaly.AnomalyDetector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The anomaly models: {@code GET /api/v1/models} lists each event family's model (trained or still collecting,
 * when, on how many events, its reporting threshold and the distribution of its training scores).
 */
@RestController
@RequestMapping("/api/v1/models")
public class ModelsController {

    private final AnomalyDetector detector;

    public ModelsController(AnomalyDetector detector) {
        this.detector = detector;
    }

    @GetMapping
    public Map<String, Object> list() {
        List<AnomalyDetector.Status> models = detector.status();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", models.size());
        answer.put("models", models.stream().map(ModelsController::describe).toList());
        return answer;
    }

    private static Map<String, Object> describe(AnomalyDetector.Status status) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("family", status.family());
        item.put("trained", status.trained());
        item.put("status", status.state());
        item.put("trained_at", status.trainedAt() == null ? null : status.trainedAt().toString());
        item.put("sample_size", status.sampleSize());
        item.put("threshold", status.threshold());
        item.put("score_distribution", status.scoreDistribution());
        item.put("events_seen", status.eventsSeen());
        item.put("events_scored", status.eventsScored());
        item.put("anomalies", status.anomalies());
        item.put("anomalies_not_reported", status.suppressed());
        item.put("features", status.features());
        return item;
    }
}
