"""The follow greeting, the menu, and polite answers to what the bot cannot read."""

from tests.line_helpers import quick_reply_labels, texts_of


def test_follow_gets_a_thai_greeting_naming_the_office_with_menu(line_user, org):
    messages = line_user.follow()
    assert len(messages) == 1
    assert org.short_name in messages[0]["text"]
    assert "ร้องเรียน" in quick_reply_labels(messages[0])[1]


def test_sticker_gets_a_polite_thai_line_not_silence(line_user):
    messages = line_user.send_event(
        line_user.event("message", message={"type": "sticker", "id": "1", "packageId": "1",
                                            "stickerId": "1"}))
    assert "ขออภัย" in texts_of(messages)


def test_unknown_event_type_with_reply_token_is_answered_politely(line_user):
    messages = line_user.send_event(line_user.event("beacon", beacon={"hwid": "x",
                                                                      "type": "enter"}))
    assert "ขออภัย" in texts_of(messages)


def test_unfollow_is_stored_and_answered_with_nothing(line_user, fake_line):
    messages = line_user.send_event(line_user.event("unfollow"))
    assert messages == []
    assert fake_line.received() == []


def test_standby_mode_sends_nothing(line_user, fake_line, sessions):
    event = line_user.event("message", message={"type": "text", "id": "9", "text": "สวัสดี"})
    event["mode"] = "standby"
    assert line_user.send_event(event) == []
    assert fake_line.received() == []
    from sqlalchemy import select

    from storage.models import InboxEvent

    with sessions() as session:
        row = session.execute(select(InboxEvent)).scalar_one()
        assert row.status == "done"


def test_menu_word_shows_the_menu(line_user):
    messages = line_user.say("เมนู")
    assert len(quick_reply_labels(messages[0])) == 4
