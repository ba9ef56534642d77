// NG2001's fix wrote o.parameters() for ((optim.Optimizer)o).step() with o an object: the cast was stripped and the
// result did not compile (CS1061). A fix whose code does not bind is no longer offered.
using TorchSharp;
using static TorchSharp.torch;

class C
{
    void Cast(Tensor loss, object o)
    {
        for (;;)
        {
            loss.backward();
            ((optim.Optimizer)o).step();
        }
    }
}
