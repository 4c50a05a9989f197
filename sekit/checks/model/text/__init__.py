"""Behaviour tests of text models (``model.text_behaviour``): the edits (:mod:`.perturb`),
the engine that asks and shrinks (:mod:`.engine`), the properties (:mod:`.properties`) and
the check (:mod:`.check`, its declaration is ``TEXT_BEHAVIOUR_CHECK``)."""
