"""The word banks of the benchmark corpus (bench/corpus.py): what its entries are made of.

Order matters (Zipf rank = position), so these are lists, never sets.
"""

from __future__ import annotations

EMOTIONS = [
    "calm", "tired", "happy", "anxious", "grateful", "relieved", "sad", "hopeful", "proud",
    "frustrated", "content", "restless", "peaceful", "angry", "lonely", "joyful", "stressed",
    "energised", "heavy", "light", "free", "nervous", "overwhelmed", "determined", "numb",
    "grief", "excited", "bored", "focused", "irritable", "nostalgic", "tender", "ashamed",
    "confident", "scared", "awe", "playful", "melancholy", "serene", "guilty", "elated", "hurt",
    "impatient", "strong", "vulnerable", "curious", "defeated", "resilient", "jealous", "lost",
    "present", "shaky", "triumphant", "weary", "wistful", "moved", "embarrassed", "annoyed",
    "safe", "empty",
]

# Other ways people write the same feeling (the generator's vocabulary normalises these).
EMOTION_FORMS = {
    "calm": ["calmer", "calmness"], "tired": ["tiredness", "worn out"], "happy": ["happiness"],
    "anxious": ["anxiety"], "grateful": ["gratitude", "thankful"], "relieved": ["relief"],
    "sad": ["sadness"], "hopeful": ["hope"], "proud": ["pride"], "frustrated": ["frustration"],
    "peaceful": ["peace"], "angry": ["anger"], "lonely": ["loneliness", "alone"],
    "joyful": ["joy"], "stressed": ["stress"], "energised": ["energized", "energy"],
    "nervous": ["nerves"], "grief": ["grieving"], "excited": ["excitement"],
    "scared": ["fear", "afraid"], "awe": ["awed"], "guilty": ["guilt"], "ashamed": ["shame"],
    "confident": ["confidence"], "focused": ["focus"], "melancholy": ["melancholic"],
}

TAGS = [
    "easy", "morning", "long run", "solo", "trail", "recovery", "rain", "tempo", "evening",
    "hills", "intervals", "with friends", "race", "track", "parkrun", "night", "heat",
    "treadmill", "city", "beach", "snow", "commute", "dog", "fartlek", "marathon training",
]

INTENTIONS = [
    "Let the anger go", "Just get out the door", "Run slow and listen", "Leave the phone at home",
    "Notice five beautiful things", "Breathe through the hills", "Stop comparing", "Be kind to my knee",
    "Finish without looking at the watch", "Think about Dad", "Run it off", "Say yes to the rain",
    "Stay present", "Find the rhythm again", "Forgive myself for last week", "Enjoy the company",
    "Hold the pace, hold the nerve", "Feel the ground", "Make space for the sadness",
    "Go easy, really easy", "Trust the training", "Let the day settle", "Be curious about the fear",
    "Run for the joy of it", "Count breaths, not kilometres", "Leave work at the door",
    "Practise patience", "Smile at strangers", "Carry nothing home", "Do the hard thing gently",
    "Run towards something", "See the sunrise", "Let the legs decide", "Keep a promise to myself",
    "Be here, not there", "Listen to the body", "Make peace with slow", "Test the new shoes",
    "Get lost a little", "Run with gratitude",
]

TITLE_ADJ = [
    "Quiet", "Slow", "Heavy", "Bright", "Grey", "Long", "Short", "Cold", "Warm", "Wet", "Windy",
    "Early", "Late", "Soft", "Hard", "Strange", "Good", "Small", "Golden", "Muddy", "Still",
    "Restless", "Easy", "Last", "First",
]
TITLE_NOUN = [
    "miles", "loop", "hills", "morning", "evening", "legs", "breath", "steps", "kilometres",
    "river run", "laps", "climb", "return", "shakeout", "tempo", "long run", "intervals", "stride",
]
PLACES = [
    "the river path", "the old bridge", "the harbour wall", "the park", "the ridge", "the canal",
    "the cemetery lane", "the track", "the beach", "the forest trail", "the ring road",
    "the allotments", "the reservoir", "the old house", "the lighthouse", "the market square",
    "the viaduct", "the orchard", "the school fields", "the cliff path",
]
TIMES = ["before dawn", "at first light", "after work", "at lunch", "in the dark", "at dusk",
         "before the rain", "in the heat", "after the funeral", "on a Sunday"]
WEATHER = ["rain", "wind", "fog", "sun", "drizzle", "frost", "heat", "hail", "mist", "snow"]
PEOPLE = ["Sam", "my sister", "Dad", "the club", "Ana", "Joe", "the dog", "Mia", "an old friend",
          "Tomas", "Lena"]
BODY = ["my calves", "my left knee", "my shoulders", "my lungs", "my hips", "my feet",
        "my back", "my chest", "my jaw", "my hamstrings"]
FEELINGS = ["calm", "tired", "relieved", "anxious", "grateful", "sad", "light", "heavy",
            "hopeful", "restless", "proud", "angry", "lonely", "free", "numb", "tender"]
THINGS = ["the argument", "the job", "the diagnosis", "the move", "the deadline", "the exam",
          "the silence at home", "the phone call", "the anniversary", "the new baby",
          "the breakup", "the interview", "the bills", "the hospital visit"]
PACES = ["five thirty", "six flat", "five fifteen", "six forty", "seven minutes", "four fifty"]
LINKS = [
    ("the route", "https://example.org/routes/river-loop"),
    ("this article on easy running", "https://example.org/articles/easy-running"),
    ("the club page", "https://example.org/club"),
    ("a poem I love", "https://example.org/poems/the-road"),
    ("the race results", "https://example.org/results/2025"),
    ("that podcast episode", "https://example.org/podcast/42"),
    ("the breathing exercise", "https://example.org/breathing"),
]

SENTENCES = [
    "I left the house {time} and went down to {place}.",
    "The {weather} came in sideways and I let it.",
    "For the first two kilometres I felt {feeling} and a little stiff.",
    "{body_c} complained on the climb, then went quiet.",
    "I kept thinking about {thing}, and then, somewhere near {place}, I stopped thinking about it.",
    "Ran with {person} for the first half and alone for the rest.",
    "The pace settled around {pace} a kilometre without me asking it to.",
    "There is a moment on every run when the legs stop arguing, and today it came late.",
    "I cried a little on the way back, which surprised me.",
    "Nothing dramatic happened, and that was the point.",
    "The light over {place} was the colour of weak tea.",
    "I noticed I was holding my breath at the traffic lights, so I let it out.",
    "By the end I felt {feeling}, which is not what I expected when I set out.",
    "My watch died at three kilometres and I did not miss it.",
    "Some days the run is a conversation; today it was more of an argument.",
    "A heron stood in the shallows and watched me go past like I was nothing special.",
    "I said the intention out loud once, quietly, so only I could hear it.",
    "The last kilometre was the best one, as it often is.",
    "I wanted to stop at {place} and I did not, and I am not sure that was wise.",
    "Everything hurt in a clean way.",
    "{person_c} waved from the other side of the road and I waved back too hard.",
    "I counted breaths in fours: in, in, out, out.",
    "There was mud to the ankles on the trail and I laughed at it.",
    "I think I run to be alone with the part of me that does not talk much.",
    "The {weather} made everything smell of earth and iron.",
    "On the way out I was {feeling}; on the way back I was simply there.",
    "I let {thing} run alongside me for a while and then let it fall behind.",
    "It took twenty minutes before my shoulders came down from my ears.",
    "A stranger said good morning and it lifted the whole run.",
    "I am learning that slow is not the same as lazy.",
    "The streetlights clicked off one by one as I came back through town.",
    "I had nothing to prove today and it showed, in the best way.",
    "Somewhere past {place} the worry turned into plain tiredness, which is easier to carry.",
    "{body_c} felt better than last week, so maybe the rest is working.",
    "I ran the hills twice because the first time felt like cheating.",
    "The dog next door barked the whole way up the lane, as usual.",
    "I thought about the people who cannot run any more and felt grateful and sad at once.",
    "My mind kept making lists and my feet kept ignoring them.",
    "Coming home, I stretched on the step and watched the sky change.",
    "Today the run did not fix anything, but it made room around it.",
    "I went out {feeling} and came back {feeling2}.",
    "The route along {place} is flat, forgiving and a little boring, which is what I needed.",
    "I tried to name what I was feeling and the word that came was *{feeling}*.",
    "It was *so* quiet by {place} that I could hear my own footsteps echo.",
    "The rain stopped exactly when I did, which felt **personal**.",
    "My breath made small clouds and I ran through them like a train.",
    "I did the strides on the grass and felt, briefly, about twelve years old.",
    "Halfway round I realised I had been frowning for ten minutes and let my face go soft.",
    "The second half was faster than the first, and I did not try to make it so.",
    "I stopped to tie a lace and found I did not want to start again.",
    "{person_c} would have loved this route, and I told them so in my head.",
    "There were more people out than usual, and I minded less than usual.",
    "A cyclist shouted something and I decided it was encouragement.",
    "I made it to {place} before the {weather} really began.",
    "My feet found the old rhythm somewhere around the sixth kilometre.",
    "I have been carrying {thing} around all week like a stone in a shoe.",
    "The cool-down walk was the part where the feelings finally caught up with me.",
    "I am trying to notice the run instead of measuring it.",
    "The hill at {place} is still the hill at {place}, but I was kinder to myself on it.",
    "At the turn I felt {feeling}, and I let that be true without fixing it.",
    "I ran past the bench where we used to sit and did not look away this time.",
    "I could taste salt on my lip by the end.",
]

LINK_SENTENCES = [
    "I finally looked up [{link_text}]({link_url}) after the run.",
    "{person_c} sent me [{link_text}]({link_url}) and I read it while cooling down.",
    "I keep going back to [{link_text}]({link_url}) on days like this.",
]

LIST_ITEMS = [
    "Warm up properly", "Drink more water", "Stretch the calves", "Sleep before midnight",
    "Call {person}", "Run the {weather} route again", "Ease off on the hills", "Buy new laces",
    "Write down {thing} instead of running from it", "Try the trail at {place}",
    "Go out without music", "Eat breakfast first", "Thank {person}", "Book the physio",
    "Rest on Thursday", "Hold back in the first kilometre",
]
LIST_INTROS = ["Things to remember next time:", "What helped today:", "Notes for the week:",
               "What I want to keep:", "A few things I noticed:"]
SUBHEADINGS = ["On the way out", "The turn", "Coming home", "What I noticed", "Afterwards",
               "The hard part", "Why I went", "The middle miles", "Thinking about {thing}",
               "At {place}"]
QUOTES = ["The body keeps the score, and today it kept a kind one.",
          "You do not have to be fast. You only have to go.",
          "Run the mile you are in.",
          "Slow down. The hills will still be there."]
PRIVATE_LINES = [
    "I have not told anyone about {thing} yet, not even {person}.",
    "The real reason I went out was the phone call, and I am not ready to write about it.",
    "Some of this is for me alone: I was scared today, properly scared.",
    "I keep thinking I should talk to someone about {thing}.",
    "If anyone reads this one day: I was fine, mostly, and I was trying.",
]
SUMMARIES = [
    "A slow loop and a quiet head.", "Rain, hills and an old worry.",
    "The run that did not fix anything, and helped anyway.", "Out angry, back calm.",
    "Company for the first half, silence for the second.", "Legs heavy, heart lighter.",
    "Short, cold and exactly enough.", "A long one, and a long think.",
]
