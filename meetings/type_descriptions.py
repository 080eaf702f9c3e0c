# ruff: noqa: E501 (each description is one message, exactly as stored, so that gettext finds it)
"""The meeting types' descriptions, for the Spanish catalogue (makemessages finds them here).

Descriptions live in the database (fixtures/meeting_types.json, editable in the admin); MeetingType.
display_description translates the one stored when the catalogue has it, and shows it as stored otherwise
(a description edited in the admin stays English until its translation is added here and in django.po).
"""

from django.utils.translation import gettext_noop

DESCRIPTIONS = [
    gettext_noop(
        "Anyone may come: people who want help with their own drinking or drug use, and also family, friends, students and anyone who is curious."
    ),
    gettext_noop(
        "Only for people who have a problem with alcohol or drugs (or with what this fellowship is about) and want to stop. If you think you might have a problem, you are welcome."
    ),
    gettext_noop(
        "The place where the meeting is held, such as a hospital, prison or treatment center, limits who can come in. Check before you go."
    ),
    gettext_noop("A meeting for women only."),
    gettext_noop("A meeting for men only."),
    gettext_noop(
        "Meant for people who are new to recovery, or just finding out about it. Nobody expects you to know how meetings work."
    ),
    gettext_noop("A meeting for younger people in recovery, often in their teens, twenties or thirties."),
    gettext_noop(
        "An Alateen meeting: part of Al-Anon, for younger members (usually teenagers) affected by someone else's drinking, held with certified adult Al-Anon members."
    ),
    gettext_noop(
        "A meeting for lesbian, gay, bisexual, transgender and queer people. Everyone who respects that is usually welcome."
    ),
    gettext_noop(
        "A meeting that does not use religious language or prayers. Atheists, agnostics and believers are all welcome."
    ),
    gettext_noop("A meeting for gay people."),
    gettext_noop("A meeting for lesbians."),
    gettext_noop("A meeting for transgender people."),
    gettext_noop("A meeting for bisexual people."),
    gettext_noop("A meeting for non-binary people."),
    gettext_noop("A meeting for people of color."),
    gettext_noop("A meeting for older people."),
    gettext_noop("A meeting for Native American people."),
    gettext_noop("A meeting for Indigenous people."),
    gettext_noop("A meeting for people who live with a mental health condition as well as an addiction."),
    gettext_noop("A meeting for people in a profession, such as doctors, nurses, lawyers or pilots."),
    gettext_noop("You can get into the meeting room in a wheelchair, without steps."),
    gettext_noop("The meeting is interpreted in American Sign Language, or held in it."),
    gettext_noop("There is a bathroom that can be used from a wheelchair."),
    gettext_noop(
        "Please do not wear perfume, cologne or other scented products, so that people with chemical sensitivities can attend."
    ),
    gettext_noop("The meeting is held in English."),
    gettext_noop("The meeting is held in Spanish."),
    gettext_noop("The meeting is held in French."),
    gettext_noop("The meeting is held in Afrikaans."),
    gettext_noop("The meeting is held in Amharic."),
    gettext_noop("The meeting is held in Arabic."),
    gettext_noop("The meeting is held in Bulgarian."),
    gettext_noop("The meeting is held in Croatian."),
    gettext_noop("The meeting is held in Danish."),
    gettext_noop("The meeting is held in Dutch."),
    gettext_noop("The meeting is held in Finnish."),
    gettext_noop("The meeting is held in Georgian."),
    gettext_noop("The meeting is held in German."),
    gettext_noop("The meeting is held in Greek."),
    gettext_noop("The meeting is held in Hebrew."),
    gettext_noop("The meeting is held in Hindi."),
    gettext_noop("The meeting is held in Hungarian."),
    gettext_noop("The meeting is held in Icelandic."),
    gettext_noop("The meeting is held in Italian."),
    gettext_noop("The meeting is held in Japanese."),
    gettext_noop("The meeting is held in Korean."),
    gettext_noop("The meeting is held in Lithuanian."),
    gettext_noop("The meeting is held in Malayalam."),
    gettext_noop("The meeting is held in Maltese."),
    gettext_noop("The meeting is held in Nepali."),
    gettext_noop("The meeting is held in Norwegian."),
    gettext_noop("The meeting is held in Persian."),
    gettext_noop("The meeting is held in Polish."),
    gettext_noop("The meeting is held in Portuguese."),
    gettext_noop("The meeting is held in Punjabi."),
    gettext_noop("The meeting is held in Russian."),
    gettext_noop("The meeting is held in Slovak."),
    gettext_noop("The meeting is held in Slovenian."),
    gettext_noop("The meeting is held in Swedish."),
    gettext_noop("The meeting is held in Tagalog."),
    gettext_noop("The meeting is held in Thai."),
    gettext_noop("The meeting is held in Turkish."),
    gettext_noop("The meeting is held in Ukrainian."),
    gettext_noop("Everyone who wants to can share about their own experience, often on a topic."),
    gettext_noop("One or more people tell their story of addiction and recovery."),
    gettext_noop("A speaker shares their story first, then everyone who wants to can share."),
    gettext_noop("The meeting reads and discusses the Twelve Steps, often one step at a time."),
    gettext_noop("The meeting reads and discusses the book Alcoholics Anonymous, known as the Big Book."),
    gettext_noop("The meeting reads and discusses the book Twelve Steps and Twelve Traditions."),
    gettext_noop(
        "The meeting reads and discusses the Twelve Traditions, the guidelines that keep groups working together."
    ),
    gettext_noop("The meeting reads and discusses the fellowship's books or pamphlets."),
    gettext_noop("The meeting talks about a topic chosen by the leader or by the group."),
    gettext_noop("Part of the meeting is spent in quiet meditation."),
    gettext_noop("The meeting focuses on the Eleventh Step, with time for prayer or quiet meditation."),
    gettext_noop("The meeting reads and discusses a passage from the book Daily Reflections."),
    gettext_noop("The meeting reads and discusses a passage from the book As Bill Sees It."),
    gettext_noop("The meeting reads and discusses the book Living Sober, with practical tips for staying sober."),
    gettext_noop("The meeting reads and discusses stories from the Grapevine magazine."),
    gettext_noop("The meeting reads and discusses the Basic Text, the main book of Narcotics Anonymous."),
    gettext_noop("The meeting reads and discusses the day's page from the NA book Just for Today."),
    gettext_noop("The meeting reads and discusses the day's page from the NA book A Spiritual Principle a Day."),
    gettext_noop("The meeting reads and discusses the NA book It Works: How and Why, about the steps and traditions."),
    gettext_noop("The meeting works through the questions in the NA Step Working Guides."),
    gettext_noop("The meeting reads and discusses the NA book Living Clean: The Journey Continues."),
    gettext_noop("The meeting reads and discusses the NA book Guiding Principles: The Spirit of Our Traditions."),
    gettext_noop("The meeting reads and discusses one or more of the fellowship's short pamphlets."),
    gettext_noop("The meeting discusses the Twelve Concepts, the principles for how service in the fellowship works."),
    gettext_noop(
        "People ask questions about recovery, sometimes written and drawn from a basket, and members answer from their experience."
    ),
    gettext_noop("The format changes from week to week, for example speaker one week and step study the next."),
    gettext_noop("The building is closed for now, so you cannot attend in person. Check for an online option."),
    gettext_noop("Someone can sign an attendance slip for a court, employer or treatment program."),
    gettext_noop(
        "People taking prescribed medication for addiction treatment, such as methadone or buprenorphine, are openly welcome to share and take part."
    ),
    gettext_noop("Children are welcome to come along with their parent or carer."),
    gettext_noop("Someone looks after children during the meeting."),
    gettext_noop("Please do not bring children to this meeting."),
    gettext_noop("The meeting is held by candlelight."),
    gettext_noop("The meeting celebrates members' recovery anniversaries."),
    gettext_noop("Breakfast is served or eaten together at the meeting."),
    gettext_noop("The meeting is held outdoors."),
    gettext_noop("People may reply directly to what someone else shared."),
    gettext_noop("You can give to the group's voluntary collection online, for example with a payment app."),
    gettext_noop("Smoking is not allowed at the meeting."),
    gettext_noop("Smoking is allowed at the meeting."),
    gettext_noop("An Al-Anon meeting for family and friends is held at the same time and place."),
    gettext_noop("An Alateen meeting for teenage family members is held at the same time and place."),
    gettext_noop("The building is usually closed on public holidays, so the meeting may not happen on those days."),
]
