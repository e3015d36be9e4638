from tests.edge.fake_services import edge, fakes

__all__ = ["edge", "fakes"]
