from tests.support.fake_services import edge, fakes

__all__ = ["edge", "fakes"]
