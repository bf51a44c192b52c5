from ticketflower.text import and_list


def test_and_list_reads_as_a_sentence():
    assert and_list([]) == ""
    assert and_list(["a"]) == "a"
    assert and_list(["a", "b"]) == "a and b"
    assert and_list(["a", "b and c", "d"]) == "a, b and c, and d"
