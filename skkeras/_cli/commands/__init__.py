"""The commands of ``skkeras``, one module each: :mod:`.tasks`, :mod:`.cv`,
:mod:`.grid`, :mod:`.fit` and :mod:`.predict`.

Each module's ``handle(args)`` carries out its command for the parsed
arguments and returns the exit status. The modules import Keras, the
estimators and pandas inside ``handle``, so that importing them (as the
parser does) stays quick.
"""
