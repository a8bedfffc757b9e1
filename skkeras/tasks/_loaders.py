"""The data of the tutorial tasks.

Each loader returns ``(X, y)`` as a DataFrame and a Series, so that the
fitted pipelines know their ``feature_names_in_``. The datasets are imported
only when a loader runs.
"""

__all__ = ["bank_data", "boston_data", "gender_data", "iris_data", "pima_data"]


def pima_data():
    """Return the Pima Indians diabetes data (768 x 8, 0/1 target)."""
    from ..datasets import load_pima_indians_diabetes

    return load_pima_indians_diabetes(return_X_y=True, as_frame=True)


def iris_data():
    """Return the iris data (150 x 4), species names as the target."""
    from sklearn.datasets import load_iris

    bunch = load_iris(as_frame=True)
    names = {i: str(name) for i, name in enumerate(bunch.target_names)}
    y = bunch.target.map(names).astype(object)
    return bunch.data, y.rename("species")


def boston_data():
    """Return the Boston housing data (506 x 13, float target)."""
    from ..datasets import load_boston_housing

    return load_boston_housing(return_X_y=True, as_frame=True)


def bank_data(keep_duration=False):
    """Return the bank marketing data, without ``duration`` unless kept."""
    from ..datasets import load_bank_marketing

    X, y = load_bank_marketing(return_X_y=True, as_frame=True)
    if not keep_duration:
        # The length of the call is known only once the call is over, when
        # its outcome is known too: a model that reads it learns the target.
        X = X.drop(columns="duration")
    return X, y


def gender_data():
    """Return ``make_gender``'s 1,000 people (seed 0), "female"/"male" target."""
    from ..datasets import make_gender

    X, y = make_gender(1000, random_state=0, as_frame=True)
    y = y.map({0: "female", 1: "male"}).astype(object)
    return X, y
