#!/usr/bin/env python3
"""Writes N synthetic self-help articles in the real format, deterministically from a seed, so
that shelf can be measured at 10k, 100k and 1M articles.

    python3 benches/synth.py 100000 /dev/shm/synth-100k [--seed 1]

The shapes follow the figures of the 5,507 real articles (no text is taken from them; the words
are made up):
- selfHelpType mix: generic 52% (the real 32% plus the 20% that state no type),
  problemScopingQuestions 17%, TSG_Content 13%, advisorRecommendationMetadata 6%, resource 5%,
  diagnostics 4%, servicehealthinsights 3%, supportTopicDescription 2%, rca 1%;
- header of 10 to 16 properties; body length log-normal with median 1,240 characters, 10% under
  420, 10% over 3,700, a few up to 80,000;
- support topics per article: none 44%, one 47%, two 5%, more 4%; 60% of topic uses are topics
  of their own, the rest drawn from a Zipf law over a shared pool, so at 100k the largest topics
  hold thousands of articles;
- services, resources and products Zipf-distributed; clouds public plus fairfax, mooncake,
  usnat, ussec at the real rates; JSON payloads for scoping questions, advisor
  recommendations and topic descriptions; tokens in diagnostics.
Only the standard library is used.
"""
import argparse, bisect, itertools, json, math, os, random, uuid

TYPES = [
    ("generic", 52), ("problemScopingQuestions", 17), ("TSG_Content", 13),
    ("advisorRecommendationMetadata", 6), ("resource", 5), ("diagnostics", 4),
    ("servicehealthinsights", 3), ("supportTopicDescription", 2), ("rca", 1),
]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "zen", "dor", "bal", "cor",
             "fin", "gal", "hem", "jor", "kel", "lum", "mar", "nor", "pel", "quin", "rel",
             "sor", "tal", "ur", "vor", "wen", "xan", "yel"]
COMMON = ("the a to of and in is for on your with that it this be can if not or are as you "
          "check restart the resource when error connection virtual machine storage account "
          "network disk backup database portal service request quota limit region access "
          "configure settings update retry timeout certificate firewall gateway").split()


class Zipf:
    """Draws 1..n with probability proportional to 1/k^s."""

    def __init__(self, n, s=1.0):
        self.cum = list(itertools.accumulate(1 / (k ** s) for k in range(1, n + 1)))

    def draw(self, rng):
        return bisect.bisect_left(self.cum, rng.random() * self.cum[-1]) + 1


class Synth:
    def __init__(self, n, seed):
        self.rng = random.Random(seed)
        rng = self.rng
        self.vocabulary = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                           for _ in range(4000)] + COMMON * 40
        scale = max(n / 5500, 1)
        self.services = Zipf(int(107 * scale ** 0.5), 1.1)
        self.products = Zipf(int(141 * scale ** 0.5), 1.0)
        self.shared_topics = Zipf(max(n // 20, 50), 1.0)
        self.type_names = [t for t, _ in TYPES]
        self.type_cum = list(itertools.accumulate(w for _, w in TYPES))
        self.own_topic = 50_000_000

    def words(self, k):
        rng = self.rng
        return " ".join(rng.choice(self.vocabulary) for _ in range(k))

    def sentence(self):
        s = self.words(self.rng.randint(6, 18))
        return s[0].upper() + s[1:] + "."

    def paragraph(self, chars):
        out = []
        while sum(len(s) + 1 for s in out) < chars:
            out.append(self.sentence())
        return " ".join(out)

    def guid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def topics(self):
        rng = self.rng
        r = rng.random()
        count = 0 if r < .44 else 1 if r < .91 else 2 if r < .96 else rng.randint(3, 8)
        ids = []
        for _ in range(count):
            if rng.random() < .6:
                self.own_topic += 1
                ids.append(str(self.own_topic))
            else:
                ids.append(str(32_000_000 + self.shared_topics.draw(rng)))
        return list(dict.fromkeys(ids))

    def body(self, title, kind, topics, products):
        rng = self.rng
        length = min(int(math.exp(rng.gauss(math.log(1240), 0.85))), 80_000)
        parts = [f"# {title}"]
        if kind in ("diagnostics", "rca", "servicehealthinsights"):
            parts.append("<!--issueDescription-->\nWe found that <!--$resourceName-->[resourceName]"
                         f"<!--/$resourceName--> {self.words(12)}.\n<!--/issueDescription-->")
        if kind == "problemScopingQuestions":
            parts.append("---\n" + json.dumps({
                "$schema": "SelfHelpContent", "subscriptionRequired": True, "resourceRequired": True,
                "title": title, "fileAttachmentHint": "",
                "formElements": [{"id": f"question_{i}", "order": i,
                                  "controlType": rng.choice(["textbox", "multilinetextbox", "datetimepicker"]),
                                  "displayLabel": self.sentence(), "required": rng.random() < .5}
                                 for i in range(1, rng.randint(2, 7))]}, indent=2) + "\n---")
            return "\n".join(parts) + "\n"
        if kind == "advisorRecommendationMetadata":
            parts.append("---\n" + json.dumps({
                "$schema": "AdvisorRecommendation", "recommendationTypeId": self.guid(),
                "recommendationCategory": rng.choice(["HighAvailability", "Cost", "Security", "Performance"]),
                "recommendationImpact": rng.choice(["High", "Medium", "Low"]),
                "recommendationResourceType": "Microsoft.Synth/things",
                "recommendationFriendlyName": self.words(4), "recommendationMetadataState": "Active",
                "description": self.sentence(), "longDescription": self.paragraph(300),
                "potentialBenefits": self.sentence(), "learnMoreLink": "https://learn.microsoft.com/azure/",
                "actions": [{"actionId": self.guid(), "actionType": "Document",
                             "description": self.sentence(), "metadata": {}}],
                "version": 1.0}, indent=2) + "\n---")
            return "\n".join(parts) + "\n"
        if kind == "supportTopicDescription":
            parts.append("---\n" + json.dumps({
                "$schema": "SelfHelpContent", "shortDescription": self.words(3),
                "longDescription": self.sentence(),
                "supportTopics": [{"id": t, "shortDescription": self.words(3), "longDescription": self.sentence(),
                                   "searchTags": self.words(3), "category": self.words(1),
                                   "useInDiagnoseAndSolve": "true"} for t in topics]}, indent=2) + "\n---")
            return "\n".join(parts) + "\n"
        written = 0
        while written < length:
            p = self.paragraph(rng.randint(150, 600))
            parts.append(p)
            written += len(p)
            if rng.random() < .02:
                parts.append(f"> [!NOTE]\n> {self.sentence()}")
            if rng.random() < .02:
                parts.append("| Setting | Value |\n|---|---|\n" + "\n".join(
                    f"| {self.words(2)} | {self.words(1)} |" for _ in range(rng.randint(2, 6))))
        parts.append("## **Recommended Steps**")
        parts.append("\n".join(f"{i}. {self.sentence()}" for i in range(1, rng.randint(2, 7))))
        if rng.random() < .5:
            parts.append("## **Recommended Documents**")
            parts.append("\n".join(
                f"- [{self.words(3)}](https://learn.microsoft.com/azure/{self.words(1)}/{self.words(1)})"
                for _ in range(rng.randint(1, 4))))
        return "\n\n".join(parts) + "\n"

    def article(self, i):
        rng = self.rng
        kind = self.type_names[bisect.bisect_left(self.type_cum, rng.random() * self.type_cum[-1])]
        service_no = self.services.draw(rng)
        service = f"microsoft.synth{service_no}"
        resource = f"things{rng.randint(1, 4)}"
        topics = self.topics()
        if kind in ("problemScopingQuestions", "supportTopicDescription") and not topics:
            topics = [str(32_000_000 + self.shared_topics.draw(rng))]
        products = list(dict.fromkeys(
            str(15_000 + self.products.draw(rng)) for _ in range(1 if rng.random() < .9 else 2)))
        clouds = ["public"] + [c for c, p in (("fairfax", .5), ("mooncake", .4), ("usnat", .2), ("ussec", .2))
                               if rng.random() < p]
        title = self.words(rng.randint(3, 8)).capitalize()
        props = [("pageTitle", title), ("description", self.sentence()), ("service", service),
                 ("resource", resource), ("authors", "synth"), ("ms.author", "synth"),
                 ("selfHelpType", kind), ("supportTopicIds", ",".join(topics)),
                 ("productPesIds", ",".join(products)), ("cloudEnvironments", ", ".join(clouds)),
                 ("articleId", self.guid()), ("ownershipId", f"Synth_Team{service_no % 40}")]
        if rng.random() < .3:
            props.append(("displayOrder", str(rng.randint(1, 50))))
        if kind == "problemScopingQuestions":
            props.append(("schemaVersion", "1"))
        if kind in ("diagnostics", "rca", "servicehealthinsights"):
            props += [("infoBubbleText", self.sentence()), ("diagnosticScenario", self.words(2).replace(" ", "_"))]
        header = "<properties\n" + "\n".join(f'\t{k}="{v}"' for k, v in props) + "\n/>\n"
        folder = f"{service}-{resource}"
        return folder, f"article-{i:07d}.md", header + self.body(title, kind, topics, products)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("count", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if os.path.exists(args.out) and os.listdir(args.out):
        raise SystemExit(f"{args.out} exists and is not empty")
    synth = Synth(args.count, args.seed)
    made = set()
    for i in range(args.count):
        folder, name, text = synth.article(i)
        path = os.path.join(args.out, folder)
        if folder not in made:
            os.makedirs(path, exist_ok=True)
            made.add(folder)
        with open(os.path.join(path, name), "w", encoding="utf-8") as f:
            f.write(text)
    print(f"wrote {args.count} articles in {len(made)} folders to {args.out} (seed {args.seed})")


if __name__ == "__main__":
    main()
