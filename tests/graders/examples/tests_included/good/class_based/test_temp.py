import unittest

from temp import c_to_f


class TestTemp(unittest.TestCase):
    def test_boiling(self):
        self.assertEqual(c_to_f(100), 212)
