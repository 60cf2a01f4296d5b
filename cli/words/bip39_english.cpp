// SPDX-License-Identifier: MIT
// The English BIP39 word list (bitcoin/bips bip-0039/english.txt), 2048 words, as data compiled into
// the binary. Copied from the npm package bip39@3.1.0 (src/wordlists/english.json, `npm pack
// bip39@3.1.0`); the newline-terminated list hashes to SHA-256
// 2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda, the well-known digest of the
// canonical english.txt (checked again in tests/cli/words/words_test.cpp). Pure.
#include "cli/words/bip39_english.hpp"

#include <algorithm>
#include <array>
#include <functional>

namespace pcp::cli::words {
namespace {

constexpr std::array<std::string_view, list_size> english_list{{
    "abandon", "ability", "able", "about", "above", "absent", "absorb", "abstract",  // 0
    "absurd", "abuse", "access", "accident", "account", "accuse", "achieve", "acid",  // 8
    "acoustic", "acquire", "across", "act", "action", "actor", "actress", "actual",  // 16
    "adapt", "add", "addict", "address", "adjust", "admit", "adult", "advance",  // 24
    "advice", "aerobic", "affair", "afford", "afraid", "again", "age", "agent",  // 32
    "agree", "ahead", "aim", "air", "airport", "aisle", "alarm", "album",  // 40
    "alcohol", "alert", "alien", "all", "alley", "allow", "almost", "alone",  // 48
    "alpha", "already", "also", "alter", "always", "amateur", "amazing", "among",  // 56
    "amount", "amused", "analyst", "anchor", "ancient", "anger", "angle", "angry",  // 64
    "animal", "ankle", "announce", "annual", "another", "answer", "antenna", "antique",  // 72
    "anxiety", "any", "apart", "apology", "appear", "apple", "approve", "april",  // 80
    "arch", "arctic", "area", "arena", "argue", "arm", "armed", "armor",  // 88
    "army", "around", "arrange", "arrest", "arrive", "arrow", "art", "artefact",  // 96
    "artist", "artwork", "ask", "aspect", "assault", "asset", "assist", "assume",  // 104
    "asthma", "athlete", "atom", "attack", "attend", "attitude", "attract", "auction",  // 112
    "audit", "august", "aunt", "author", "auto", "autumn", "average", "avocado",  // 120
    "avoid", "awake", "aware", "away", "awesome", "awful", "awkward", "axis",  // 128
    "baby", "bachelor", "bacon", "badge", "bag", "balance", "balcony", "ball",  // 136
    "bamboo", "banana", "banner", "bar", "barely", "bargain", "barrel", "base",  // 144
    "basic", "basket", "battle", "beach", "bean", "beauty", "because", "become",  // 152
    "beef", "before", "begin", "behave", "behind", "believe", "below", "belt",  // 160
    "bench", "benefit", "best", "betray", "better", "between", "beyond", "bicycle",  // 168
    "bid", "bike", "bind", "biology", "bird", "birth", "bitter", "black",  // 176
    "blade", "blame", "blanket", "blast", "bleak", "bless", "blind", "blood",  // 184
    "blossom", "blouse", "blue", "blur", "blush", "board", "boat", "body",  // 192
    "boil", "bomb", "bone", "bonus", "book", "boost", "border", "boring",  // 200
    "borrow", "boss", "bottom", "bounce", "box", "boy", "bracket", "brain",  // 208
    "brand", "brass", "brave", "bread", "breeze", "brick", "bridge", "brief",  // 216
    "bright", "bring", "brisk", "broccoli", "broken", "bronze", "broom", "brother",  // 224
    "brown", "brush", "bubble", "buddy", "budget", "buffalo", "build", "bulb",  // 232
    "bulk", "bullet", "bundle", "bunker", "burden", "burger", "burst", "bus",  // 240
    "business", "busy", "butter", "buyer", "buzz", "cabbage", "cabin", "cable",  // 248
    "cactus", "cage", "cake", "call", "calm", "camera", "camp", "can",  // 256
    "canal", "cancel", "candy", "cannon", "canoe", "canvas", "canyon", "capable",  // 264
    "capital", "captain", "car", "carbon", "card", "cargo", "carpet", "carry",  // 272
    "cart", "case", "cash", "casino", "castle", "casual", "cat", "catalog",  // 280
    "catch", "category", "cattle", "caught", "cause", "caution", "cave", "ceiling",  // 288
    "celery", "cement", "census", "century", "cereal", "certain", "chair", "chalk",  // 296
    "champion", "change", "chaos", "chapter", "charge", "chase", "chat", "cheap",  // 304
    "check", "cheese", "chef", "cherry", "chest", "chicken", "chief", "child",  // 312
    "chimney", "choice", "choose", "chronic", "chuckle", "chunk", "churn", "cigar",  // 320
    "cinnamon", "circle", "citizen", "city", "civil", "claim", "clap", "clarify",  // 328
    "claw", "clay", "clean", "clerk", "clever", "click", "client", "cliff",  // 336
    "climb", "clinic", "clip", "clock", "clog", "close", "cloth", "cloud",  // 344
    "clown", "club", "clump", "cluster", "clutch", "coach", "coast", "coconut",  // 352
    "code", "coffee", "coil", "coin", "collect", "color", "column", "combine",  // 360
    "come", "comfort", "comic", "common", "company", "concert", "conduct", "confirm",  // 368
    "congress", "connect", "consider", "control", "convince", "cook", "cool", "copper",  // 376
    "copy", "coral", "core", "corn", "correct", "cost", "cotton", "couch",  // 384
    "country", "couple", "course", "cousin", "cover", "coyote", "crack", "cradle",  // 392
    "craft", "cram", "crane", "crash", "crater", "crawl", "crazy", "cream",  // 400
    "credit", "creek", "crew", "cricket", "crime", "crisp", "critic", "crop",  // 408
    "cross", "crouch", "crowd", "crucial", "cruel", "cruise", "crumble", "crunch",  // 416
    "crush", "cry", "crystal", "cube", "culture", "cup", "cupboard", "curious",  // 424
    "current", "curtain", "curve", "cushion", "custom", "cute", "cycle", "dad",  // 432
    "damage", "damp", "dance", "danger", "daring", "dash", "daughter", "dawn",  // 440
    "day", "deal", "debate", "debris", "decade", "december", "decide", "decline",  // 448
    "decorate", "decrease", "deer", "defense", "define", "defy", "degree", "delay",  // 456
    "deliver", "demand", "demise", "denial", "dentist", "deny", "depart", "depend",  // 464
    "deposit", "depth", "deputy", "derive", "describe", "desert", "design", "desk",  // 472
    "despair", "destroy", "detail", "detect", "develop", "device", "devote", "diagram",  // 480
    "dial", "diamond", "diary", "dice", "diesel", "diet", "differ", "digital",  // 488
    "dignity", "dilemma", "dinner", "dinosaur", "direct", "dirt", "disagree", "discover",  // 496
    "disease", "dish", "dismiss", "disorder", "display", "distance", "divert", "divide",  // 504
    "divorce", "dizzy", "doctor", "document", "dog", "doll", "dolphin", "domain",  // 512
    "donate", "donkey", "donor", "door", "dose", "double", "dove", "draft",  // 520
    "dragon", "drama", "drastic", "draw", "dream", "dress", "drift", "drill",  // 528
    "drink", "drip", "drive", "drop", "drum", "dry", "duck", "dumb",  // 536
    "dune", "during", "dust", "dutch", "duty", "dwarf", "dynamic", "eager",  // 544
    "eagle", "early", "earn", "earth", "easily", "east", "easy", "echo",  // 552
    "ecology", "economy", "edge", "edit", "educate", "effort", "egg", "eight",  // 560
    "either", "elbow", "elder", "electric", "elegant", "element", "elephant", "elevator",  // 568
    "elite", "else", "embark", "embody", "embrace", "emerge", "emotion", "employ",  // 576
    "empower", "empty", "enable", "enact", "end", "endless", "endorse", "enemy",  // 584
    "energy", "enforce", "engage", "engine", "enhance", "enjoy", "enlist", "enough",  // 592
    "enrich", "enroll", "ensure", "enter", "entire", "entry", "envelope", "episode",  // 600
    "equal", "equip", "era", "erase", "erode", "erosion", "error", "erupt",  // 608
    "escape", "essay", "essence", "estate", "eternal", "ethics", "evidence", "evil",  // 616
    "evoke", "evolve", "exact", "example", "excess", "exchange", "excite", "exclude",  // 624
    "excuse", "execute", "exercise", "exhaust", "exhibit", "exile", "exist", "exit",  // 632
    "exotic", "expand", "expect", "expire", "explain", "expose", "express", "extend",  // 640
    "extra", "eye", "eyebrow", "fabric", "face", "faculty", "fade", "faint",  // 648
    "faith", "fall", "false", "fame", "family", "famous", "fan", "fancy",  // 656
    "fantasy", "farm", "fashion", "fat", "fatal", "father", "fatigue", "fault",  // 664
    "favorite", "feature", "february", "federal", "fee", "feed", "feel", "female",  // 672
    "fence", "festival", "fetch", "fever", "few", "fiber", "fiction", "field",  // 680
    "figure", "file", "film", "filter", "final", "find", "fine", "finger",  // 688
    "finish", "fire", "firm", "first", "fiscal", "fish", "fit", "fitness",  // 696
    "fix", "flag", "flame", "flash", "flat", "flavor", "flee", "flight",  // 704
    "flip", "float", "flock", "floor", "flower", "fluid", "flush", "fly",  // 712
    "foam", "focus", "fog", "foil", "fold", "follow", "food", "foot",  // 720
    "force", "forest", "forget", "fork", "fortune", "forum", "forward", "fossil",  // 728
    "foster", "found", "fox", "fragile", "frame", "frequent", "fresh", "friend",  // 736
    "fringe", "frog", "front", "frost", "frown", "frozen", "fruit", "fuel",  // 744
    "fun", "funny", "furnace", "fury", "future", "gadget", "gain", "galaxy",  // 752
    "gallery", "game", "gap", "garage", "garbage", "garden", "garlic", "garment",  // 760
    "gas", "gasp", "gate", "gather", "gauge", "gaze", "general", "genius",  // 768
    "genre", "gentle", "genuine", "gesture", "ghost", "giant", "gift", "giggle",  // 776
    "ginger", "giraffe", "girl", "give", "glad", "glance", "glare", "glass",  // 784
    "glide", "glimpse", "globe", "gloom", "glory", "glove", "glow", "glue",  // 792
    "goat", "goddess", "gold", "good", "goose", "gorilla", "gospel", "gossip",  // 800
    "govern", "gown", "grab", "grace", "grain", "grant", "grape", "grass",  // 808
    "gravity", "great", "green", "grid", "grief", "grit", "grocery", "group",  // 816
    "grow", "grunt", "guard", "guess", "guide", "guilt", "guitar", "gun",  // 824
    "gym", "habit", "hair", "half", "hammer", "hamster", "hand", "happy",  // 832
    "harbor", "hard", "harsh", "harvest", "hat", "have", "hawk", "hazard",  // 840
    "head", "health", "heart", "heavy", "hedgehog", "height", "hello", "helmet",  // 848
    "help", "hen", "hero", "hidden", "high", "hill", "hint", "hip",  // 856
    "hire", "history", "hobby", "hockey", "hold", "hole", "holiday", "hollow",  // 864
    "home", "honey", "hood", "hope", "horn", "horror", "horse", "hospital",  // 872
    "host", "hotel", "hour", "hover", "hub", "huge", "human", "humble",  // 880
    "humor", "hundred", "hungry", "hunt", "hurdle", "hurry", "hurt", "husband",  // 888
    "hybrid", "ice", "icon", "idea", "identify", "idle", "ignore", "ill",  // 896
    "illegal", "illness", "image", "imitate", "immense", "immune", "impact", "impose",  // 904
    "improve", "impulse", "inch", "include", "income", "increase", "index", "indicate",  // 912
    "indoor", "industry", "infant", "inflict", "inform", "inhale", "inherit", "initial",  // 920
    "inject", "injury", "inmate", "inner", "innocent", "input", "inquiry", "insane",  // 928
    "insect", "inside", "inspire", "install", "intact", "interest", "into", "invest",  // 936
    "invite", "involve", "iron", "island", "isolate", "issue", "item", "ivory",  // 944
    "jacket", "jaguar", "jar", "jazz", "jealous", "jeans", "jelly", "jewel",  // 952
    "job", "join", "joke", "journey", "joy", "judge", "juice", "jump",  // 960
    "jungle", "junior", "junk", "just", "kangaroo", "keen", "keep", "ketchup",  // 968
    "key", "kick", "kid", "kidney", "kind", "kingdom", "kiss", "kit",  // 976
    "kitchen", "kite", "kitten", "kiwi", "knee", "knife", "knock", "know",  // 984
    "lab", "label", "labor", "ladder", "lady", "lake", "lamp", "language",  // 992
    "laptop", "large", "later", "latin", "laugh", "laundry", "lava", "law",  // 1000
    "lawn", "lawsuit", "layer", "lazy", "leader", "leaf", "learn", "leave",  // 1008
    "lecture", "left", "leg", "legal", "legend", "leisure", "lemon", "lend",  // 1016
    "length", "lens", "leopard", "lesson", "letter", "level", "liar", "liberty",  // 1024
    "library", "license", "life", "lift", "light", "like", "limb", "limit",  // 1032
    "link", "lion", "liquid", "list", "little", "live", "lizard", "load",  // 1040
    "loan", "lobster", "local", "lock", "logic", "lonely", "long", "loop",  // 1048
    "lottery", "loud", "lounge", "love", "loyal", "lucky", "luggage", "lumber",  // 1056
    "lunar", "lunch", "luxury", "lyrics", "machine", "mad", "magic", "magnet",  // 1064
    "maid", "mail", "main", "major", "make", "mammal", "man", "manage",  // 1072
    "mandate", "mango", "mansion", "manual", "maple", "marble", "march", "margin",  // 1080
    "marine", "market", "marriage", "mask", "mass", "master", "match", "material",  // 1088
    "math", "matrix", "matter", "maximum", "maze", "meadow", "mean", "measure",  // 1096
    "meat", "mechanic", "medal", "media", "melody", "melt", "member", "memory",  // 1104
    "mention", "menu", "mercy", "merge", "merit", "merry", "mesh", "message",  // 1112
    "metal", "method", "middle", "midnight", "milk", "million", "mimic", "mind",  // 1120
    "minimum", "minor", "minute", "miracle", "mirror", "misery", "miss", "mistake",  // 1128
    "mix", "mixed", "mixture", "mobile", "model", "modify", "mom", "moment",  // 1136
    "monitor", "monkey", "monster", "month", "moon", "moral", "more", "morning",  // 1144
    "mosquito", "mother", "motion", "motor", "mountain", "mouse", "move", "movie",  // 1152
    "much", "muffin", "mule", "multiply", "muscle", "museum", "mushroom", "music",  // 1160
    "must", "mutual", "myself", "mystery", "myth", "naive", "name", "napkin",  // 1168
    "narrow", "nasty", "nation", "nature", "near", "neck", "need", "negative",  // 1176
    "neglect", "neither", "nephew", "nerve", "nest", "net", "network", "neutral",  // 1184
    "never", "news", "next", "nice", "night", "noble", "noise", "nominee",  // 1192
    "noodle", "normal", "north", "nose", "notable", "note", "nothing", "notice",  // 1200
    "novel", "now", "nuclear", "number", "nurse", "nut", "oak", "obey",  // 1208
    "object", "oblige", "obscure", "observe", "obtain", "obvious", "occur", "ocean",  // 1216
    "october", "odor", "off", "offer", "office", "often", "oil", "okay",  // 1224
    "old", "olive", "olympic", "omit", "once", "one", "onion", "online",  // 1232
    "only", "open", "opera", "opinion", "oppose", "option", "orange", "orbit",  // 1240
    "orchard", "order", "ordinary", "organ", "orient", "original", "orphan", "ostrich",  // 1248
    "other", "outdoor", "outer", "output", "outside", "oval", "oven", "over",  // 1256
    "own", "owner", "oxygen", "oyster", "ozone", "pact", "paddle", "page",  // 1264
    "pair", "palace", "palm", "panda", "panel", "panic", "panther", "paper",  // 1272
    "parade", "parent", "park", "parrot", "party", "pass", "patch", "path",  // 1280
    "patient", "patrol", "pattern", "pause", "pave", "payment", "peace", "peanut",  // 1288
    "pear", "peasant", "pelican", "pen", "penalty", "pencil", "people", "pepper",  // 1296
    "perfect", "permit", "person", "pet", "phone", "photo", "phrase", "physical",  // 1304
    "piano", "picnic", "picture", "piece", "pig", "pigeon", "pill", "pilot",  // 1312
    "pink", "pioneer", "pipe", "pistol", "pitch", "pizza", "place", "planet",  // 1320
    "plastic", "plate", "play", "please", "pledge", "pluck", "plug", "plunge",  // 1328
    "poem", "poet", "point", "polar", "pole", "police", "pond", "pony",  // 1336
    "pool", "popular", "portion", "position", "possible", "post", "potato", "pottery",  // 1344
    "poverty", "powder", "power", "practice", "praise", "predict", "prefer", "prepare",  // 1352
    "present", "pretty", "prevent", "price", "pride", "primary", "print", "priority",  // 1360
    "prison", "private", "prize", "problem", "process", "produce", "profit", "program",  // 1368
    "project", "promote", "proof", "property", "prosper", "protect", "proud", "provide",  // 1376
    "public", "pudding", "pull", "pulp", "pulse", "pumpkin", "punch", "pupil",  // 1384
    "puppy", "purchase", "purity", "purpose", "purse", "push", "put", "puzzle",  // 1392
    "pyramid", "quality", "quantum", "quarter", "question", "quick", "quit", "quiz",  // 1400
    "quote", "rabbit", "raccoon", "race", "rack", "radar", "radio", "rail",  // 1408
    "rain", "raise", "rally", "ramp", "ranch", "random", "range", "rapid",  // 1416
    "rare", "rate", "rather", "raven", "raw", "razor", "ready", "real",  // 1424
    "reason", "rebel", "rebuild", "recall", "receive", "recipe", "record", "recycle",  // 1432
    "reduce", "reflect", "reform", "refuse", "region", "regret", "regular", "reject",  // 1440
    "relax", "release", "relief", "rely", "remain", "remember", "remind", "remove",  // 1448
    "render", "renew", "rent", "reopen", "repair", "repeat", "replace", "report",  // 1456
    "require", "rescue", "resemble", "resist", "resource", "response", "result", "retire",  // 1464
    "retreat", "return", "reunion", "reveal", "review", "reward", "rhythm", "rib",  // 1472
    "ribbon", "rice", "rich", "ride", "ridge", "rifle", "right", "rigid",  // 1480
    "ring", "riot", "ripple", "risk", "ritual", "rival", "river", "road",  // 1488
    "roast", "robot", "robust", "rocket", "romance", "roof", "rookie", "room",  // 1496
    "rose", "rotate", "rough", "round", "route", "royal", "rubber", "rude",  // 1504
    "rug", "rule", "run", "runway", "rural", "sad", "saddle", "sadness",  // 1512
    "safe", "sail", "salad", "salmon", "salon", "salt", "salute", "same",  // 1520
    "sample", "sand", "satisfy", "satoshi", "sauce", "sausage", "save", "say",  // 1528
    "scale", "scan", "scare", "scatter", "scene", "scheme", "school", "science",  // 1536
    "scissors", "scorpion", "scout", "scrap", "screen", "script", "scrub", "sea",  // 1544
    "search", "season", "seat", "second", "secret", "section", "security", "seed",  // 1552
    "seek", "segment", "select", "sell", "seminar", "senior", "sense", "sentence",  // 1560
    "series", "service", "session", "settle", "setup", "seven", "shadow", "shaft",  // 1568
    "shallow", "share", "shed", "shell", "sheriff", "shield", "shift", "shine",  // 1576
    "ship", "shiver", "shock", "shoe", "shoot", "shop", "short", "shoulder",  // 1584
    "shove", "shrimp", "shrug", "shuffle", "shy", "sibling", "sick", "side",  // 1592
    "siege", "sight", "sign", "silent", "silk", "silly", "silver", "similar",  // 1600
    "simple", "since", "sing", "siren", "sister", "situate", "six", "size",  // 1608
    "skate", "sketch", "ski", "skill", "skin", "skirt", "skull", "slab",  // 1616
    "slam", "sleep", "slender", "slice", "slide", "slight", "slim", "slogan",  // 1624
    "slot", "slow", "slush", "small", "smart", "smile", "smoke", "smooth",  // 1632
    "snack", "snake", "snap", "sniff", "snow", "soap", "soccer", "social",  // 1640
    "sock", "soda", "soft", "solar", "soldier", "solid", "solution", "solve",  // 1648
    "someone", "song", "soon", "sorry", "sort", "soul", "sound", "soup",  // 1656
    "source", "south", "space", "spare", "spatial", "spawn", "speak", "special",  // 1664
    "speed", "spell", "spend", "sphere", "spice", "spider", "spike", "spin",  // 1672
    "spirit", "split", "spoil", "sponsor", "spoon", "sport", "spot", "spray",  // 1680
    "spread", "spring", "spy", "square", "squeeze", "squirrel", "stable", "stadium",  // 1688
    "staff", "stage", "stairs", "stamp", "stand", "start", "state", "stay",  // 1696
    "steak", "steel", "stem", "step", "stereo", "stick", "still", "sting",  // 1704
    "stock", "stomach", "stone", "stool", "story", "stove", "strategy", "street",  // 1712
    "strike", "strong", "struggle", "student", "stuff", "stumble", "style", "subject",  // 1720
    "submit", "subway", "success", "such", "sudden", "suffer", "sugar", "suggest",  // 1728
    "suit", "summer", "sun", "sunny", "sunset", "super", "supply", "supreme",  // 1736
    "sure", "surface", "surge", "surprise", "surround", "survey", "suspect", "sustain",  // 1744
    "swallow", "swamp", "swap", "swarm", "swear", "sweet", "swift", "swim",  // 1752
    "swing", "switch", "sword", "symbol", "symptom", "syrup", "system", "table",  // 1760
    "tackle", "tag", "tail", "talent", "talk", "tank", "tape", "target",  // 1768
    "task", "taste", "tattoo", "taxi", "teach", "team", "tell", "ten",  // 1776
    "tenant", "tennis", "tent", "term", "test", "text", "thank", "that",  // 1784
    "theme", "then", "theory", "there", "they", "thing", "this", "thought",  // 1792
    "three", "thrive", "throw", "thumb", "thunder", "ticket", "tide", "tiger",  // 1800
    "tilt", "timber", "time", "tiny", "tip", "tired", "tissue", "title",  // 1808
    "toast", "tobacco", "today", "toddler", "toe", "together", "toilet", "token",  // 1816
    "tomato", "tomorrow", "tone", "tongue", "tonight", "tool", "tooth", "top",  // 1824
    "topic", "topple", "torch", "tornado", "tortoise", "toss", "total", "tourist",  // 1832
    "toward", "tower", "town", "toy", "track", "trade", "traffic", "tragic",  // 1840
    "train", "transfer", "trap", "trash", "travel", "tray", "treat", "tree",  // 1848
    "trend", "trial", "tribe", "trick", "trigger", "trim", "trip", "trophy",  // 1856
    "trouble", "truck", "true", "truly", "trumpet", "trust", "truth", "try",  // 1864
    "tube", "tuition", "tumble", "tuna", "tunnel", "turkey", "turn", "turtle",  // 1872
    "twelve", "twenty", "twice", "twin", "twist", "two", "type", "typical",  // 1880
    "ugly", "umbrella", "unable", "unaware", "uncle", "uncover", "under", "undo",  // 1888
    "unfair", "unfold", "unhappy", "uniform", "unique", "unit", "universe", "unknown",  // 1896
    "unlock", "until", "unusual", "unveil", "update", "upgrade", "uphold", "upon",  // 1904
    "upper", "upset", "urban", "urge", "usage", "use", "used", "useful",  // 1912
    "useless", "usual", "utility", "vacant", "vacuum", "vague", "valid", "valley",  // 1920
    "valve", "van", "vanish", "vapor", "various", "vast", "vault", "vehicle",  // 1928
    "velvet", "vendor", "venture", "venue", "verb", "verify", "version", "very",  // 1936
    "vessel", "veteran", "viable", "vibrant", "vicious", "victory", "video", "view",  // 1944
    "village", "vintage", "violin", "virtual", "virus", "visa", "visit", "visual",  // 1952
    "vital", "vivid", "vocal", "voice", "void", "volcano", "volume", "vote",  // 1960
    "voyage", "wage", "wagon", "wait", "walk", "wall", "walnut", "want",  // 1968
    "warfare", "warm", "warrior", "wash", "wasp", "waste", "water", "wave",  // 1976
    "way", "wealth", "weapon", "wear", "weasel", "weather", "web", "wedding",  // 1984
    "weekend", "weird", "welcome", "west", "wet", "whale", "what", "wheat",  // 1992
    "wheel", "when", "where", "whip", "whisper", "wide", "width", "wife",  // 2000
    "wild", "will", "win", "window", "wine", "wing", "wink", "winner",  // 2008
    "winter", "wire", "wisdom", "wise", "wish", "witness", "wolf", "woman",  // 2016
    "wonder", "wood", "wool", "word", "work", "world", "worry", "worth",  // 2024
    "wrap", "wreck", "wrestle", "wrist", "write", "wrong", "yard", "year",  // 2032
    "yellow", "you", "young", "youth", "zebra", "zero", "zone", "zoo",  // 2040
}};

constexpr bool is_word(std::string_view w)
{
    return w.size() >= min_word_size && w.size() <= max_word_size &&
           std::ranges::all_of(w, [](char c) { return c >= 'a' && c <= 'z'; });
}

static_assert(std::ranges::adjacent_find(english_list, std::ranges::greater_equal{}) == english_list.end(),
              "the list is sorted and has no duplicates (binary search relies on it)");
static_assert(std::ranges::all_of(english_list, is_word), "every word is 3 to 8 lower-case ASCII letters");

} // namespace

std::span<const std::string_view, list_size> english() noexcept { return english_list; }

} // namespace pcp::cli::words
