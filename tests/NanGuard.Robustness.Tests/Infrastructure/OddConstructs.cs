using System.Collections.Generic;
using System.Linq;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>
/// Code no rule's test author writes by hand, each around the patterns the rules look for: wrong argument counts and
/// types, unresolved names, TorchSharp through <c>dynamic</c>, generics, pattern matching, top-level statements,
/// records, <c>unsafe</c>, nullable annotations, Unicode names, and the odd places a call can stand.
/// </summary>
public static class OddConstructs
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Linq.Expressions;
        using System.Threading.Tasks;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    private static readonly (string Name, string Text)[] Sources =
    {
        ("wrong argument counts", """
            class C
            {
                Tensor A(Tensor x) => torch.log();
                Tensor B(Tensor x) => torch.log(F.softmax(x));
                Tensor D(Tensor x) => torch.log(F.softmax(x, 1), 2, 3);
                Tensor E(Tensor x) => x.softmax().log();
                Tensor G(Tensor x) => x.softmax(1, 2, 3, 4).log(5);
                Tensor H(Tensor x) => -(x * torch.log(F.softmax(x, 1))).sum(1, 2, 3, 4, 5);
                void I(Tensor loss, optim.Optimizer o) { for (;;) { loss.backward(1, 2); o.step(3, 4); } }
            }
            """),
        ("wrong argument types", """
            class C
            {
                Tensor A(Tensor x) => torch.log(F.softmax("x", "1"));
                Tensor B(Tensor x) => torch.log(F.softmax(x, 1.5));
                Tensor D(Tensor x) => x.softmax("dim").log();
                Tensor E(int x) => torch.log(F.softmax(x, 1));
                Tensor G(Tensor x) => -(x * torch.log(F.softmax(x, 1))).sum(dim: "one").mean(true);
                void H(Tensor loss, optim.Optimizer o) { while (true) { loss.backward(); o.step("closure"); } }
            }
            """),
        ("unresolved names", """
            class C
            {
                Tensor A() => torch.log(F.softmax(missing, 1));
                Tensor B(Tensor x) => torch.log(Missing.softmax(x, 1));
                Tensor D(Tensor x) => torch.log(F.softmax(x, missingDim));
                Tensor E(Tensor x) => x.softmax(1).missing().log();
                Tensor G(Tensor x) => -(y * torch.log(F.softmax(x, 1))).sum();
                void H(Tensor x) { for (var i = 0; i < 10; i++) { loss.backward(); optimizer.step(); } }
                void I(Tensor loss) { for (var i = 0; i < 10; i++) { loss.backward(); optimizer.step(); } }
                void J(optim.Optimizer optimizer) { for (var i = 0; i < 10; i++) { lossy.backward(); optimizer.step(); } }
                void K(Tensor loss, UnknownOptimizer optimizer) { foreach (var b in batches) { loss.backward(); optimizer.step(); } }
            }
            """),
        ("dynamic", """
            class C
            {
                Tensor A(dynamic x) => torch.log(F.softmax(x, 1));
                dynamic B(dynamic x) => x.softmax(1).log();
                dynamic D(Tensor x) { dynamic d = x; return torch.log(d.softmax(1)); }
                dynamic E(Tensor x, dynamic dim) => torch.log(F.softmax(x, dim));
                dynamic G(dynamic y, Tensor x) => -(y * torch.log(F.softmax(x, 1))).sum();
                void H(dynamic loss, dynamic optimizer) { for (var i = 0; i < 3; i++) { loss.backward(); optimizer.step(); } }
                void I(Tensor loss, dynamic optimizer) { for (var i = 0; i < 3; i++) { loss.backward(); optimizer.step(); } }
                void J(dynamic loss, optim.Optimizer optimizer) { for (var i = 0; i < 3; i++) { loss.backward(); optimizer.step(); } }
            }
            """),
        ("generics", """
            class C<TModel> where TModel : nn.Module<Tensor, Tensor>
            {
                T A<T>(T x) where T : Tensor => (T)torch.log(F.softmax(x, 1));
                Tensor B<T>(T x) where T : Tensor => x.softmax(1).log();
                void Train<TOptimizer>(TModel model, TOptimizer optimizer, Tensor x) where TOptimizer : optim.Optimizer
                {
                    for (var i = 0; i < 3; i++) { var loss = model.call(x).sum(); loss.backward(); optimizer.step(); }
                }
                Func<T, Tensor> Make<T>() where T : Tensor => t => torch.log(F.softmax(t, 1));
            }
            """),
        ("pattern matching", """
            class C
            {
                Tensor? A(object o) => o is Tensor { } t ? torch.log(F.softmax(t, 1)) : null;
                Tensor B(object o) => o switch { Tensor t when torch.log(t.softmax(1)) is { } l => l, _ => throw new Exception() };
                void D(object o) { if (o is (Tensor x, optim.Optimizer opt)) { for (;;) { x.backward(); opt.step(); } } }
                bool E(Tensor x) => torch.log(F.softmax(x, 1)) is not null and var y && y is Tensor;
                void G(object[] items) { foreach (var item in items) { if (item is [Tensor loss, optim.Optimizer o]) { loss.backward(); o.step(); } } }
            }
            """),
        ("top-level statements", """
            var x = torch.randn(3, 4);
            var p = F.softmax(x, 1);
            var l = torch.log(p);
            var model = nn.Linear(4, 2);
            var optimizer = torch.optim.Adam(model.parameters(), lr: 0.1);
            for (var i = 0; i < 10; i++)
            {
                optimizer.zero_grad();
                var loss = -(x * torch.log(F.softmax(model.call(x), 1))).sum();
                loss.backward();
                optimizer.step();
            }
            Tensor Local(Tensor t) => t.softmax(1).log();
            """),
        ("records", """
            record R(Tensor X)
            {
                public Tensor L => torch.log(F.softmax(X, 1));
                public Tensor M { get; init; } = torch.log(F.softmax(X, 1));
            }
            record struct S(Tensor X, optim.Optimizer O)
            {
                public void Train() { for (var i = 0; i < 3; i++) { X.backward(); O.step(); } }
            }
            record Derived(Tensor X) : R(torch.log(F.softmax(X, 1)));
            """),
        ("unsafe", """
            unsafe class C
            {
                Tensor A(Tensor x) { int* dim = stackalloc int[1]; *dim = 1; return torch.log(F.softmax(x, *dim)); }
                Tensor B(Tensor x) { long d = 1; long* p = &d; return x.softmax(p[0]).log(); }
                void D(Tensor loss, optim.Optimizer o) { fixed (char* c = "x") { for (;;) { loss.backward(); o.step(); } } }
                delegate*<Tensor, Tensor> E => &Log;
                static Tensor Log(Tensor x) => torch.log(F.softmax(x, 1));
            }
            """),
        ("nullable annotations", """
            #nullable enable
            class C
            {
                Tensor? A(Tensor? x) => torch.log(F.softmax(x!, 1));
                Tensor? B(Tensor? x) => x?.softmax(1).log();
                Tensor? D(Tensor? x) => x?.softmax(1)?.log();
                Tensor E(Tensor? x) => (x ?? torch.zeros(1)).softmax(1).log();
                void G(Tensor? loss, optim.Optimizer? optimizer) { for (;;) { loss?.backward(); optimizer?.step(); } }
                void H(Tensor? loss, optim.Optimizer? optimizer) { for (;;) { loss!.backward(); optimizer!.step(); } }
            }
            #nullable disable
            class D { Tensor A(Tensor x) => torch.log(F.softmax(x, 1)); }
            """),
        ("unicode names", """
            class Модель
            {
                Tensor 损失(Tensor 输入) => torch.log(F.softmax(输入, 1));
                Tensor Ünïcödé(Tensor x̃) => x̃.softmax(1).log();
                Tensor @class(Tensor @this) => torch.log(F.softmax(@this, 1));
                void 训练(Tensor 损失值, optim.Optimizer 优化器) { for (var ñ = 0; ñ < 3; ñ++) { 损失值.backward(); 优化器.step(); } }
                Tensor \u0041scii(Tensor \u0078) => torch.log(F.softmax(x, 1));
            }
            """),
        ("odd places", """
            class C
            {
                static readonly Tensor Field = torch.log(F.softmax(torch.zeros(2, 2), 1));
                const string Name = nameof(torch.log);
                Func<Tensor, Tensor> Group = torch.log;
                Expression<Func<Tensor, Tensor>> Tree = x => torch.log(F.softmax(x, 1));
                Tensor Named(Tensor x) => torch.log(input: F.softmax(dim: 1, input: x));
                Tensor Ternary(Tensor x, bool b) => torch.log(b ? F.softmax(x, 1) : x);
                Tensor Assign(Tensor x) { Tensor p; p = F.softmax(x, 1); p = x; return torch.log(p); }
                Tensor Ref(Tensor x) { ref Tensor r = ref x; r = F.softmax(x, 1); return torch.log(r); }
                Tensor Out(Tensor x) { Make(x, out var p); return torch.log(p); }
                void Make(Tensor x, out Tensor p) => p = F.softmax(x, 1);
                async Task<Tensor> Async(Tensor x) { await Task.Yield(); return torch.log(F.softmax(x, 1)); }
                IEnumerable<Tensor> Iterator(Tensor x) { yield return torch.log(F.softmax(x, 1)); }
                IEnumerable<Tensor> Query(IEnumerable<Tensor> xs) => from x in xs select torch.log(F.softmax(x, 1));
                Tensor Local(Tensor x) { return L(x); static Tensor L(Tensor y) => torch.log(F.softmax(y, 1)); }
                Tensor Deconstruct(Tensor x) { var (p, q) = (F.softmax(x, 1), x); return torch.log(p); }
                Tensor Tuple(Tensor x) => torch.log((F.softmax(x, 1), 1).Item1);
                Tensor Checked(Tensor x) => checked(torch.log(F.softmax(x, (int)1L)));
                Tensor Throw(Tensor? x) => torch.log(F.softmax(x ?? throw new ArgumentNullException(), 1));
                Tensor Default(Tensor x) => torch.log(F.softmax(default!, default));
                Tensor Interp(Tensor x) => torch.log(F.softmax(x, $"{1}".Length));
            }
            """),
        ("odd training loops", """
            class C
            {
                void Goto(Tensor loss, optim.Optimizer o) { top: loss.backward(); o.step(); goto top; }
                void DoWhile(Tensor loss, optim.Optimizer o) { do { loss.backward(); o.step(); } while (true); }
                void Foreach(Tensor[] losses, optim.Optimizer o) { foreach (var loss in losses) { loss.backward(); o.step(); } }
                async Task AwaitForeach(IAsyncEnumerable<Tensor> losses, optim.Optimizer o) { await foreach (var loss in losses) { loss.backward(); o.step(); } }
                void Finally(Tensor loss, optim.Optimizer o) { for (;;) { try { loss.backward(); } finally { o.step(); } } }
                void Catch(Tensor loss, optim.Optimizer o) { for (;;) { try { loss.backward(); } catch { o.step(); } } }
                void Lambda(Tensor loss, optim.Optimizer o) { for (;;) { loss.backward(); Action a = () => o.step(); a(); } }
                void Result(Tensor loss, optim.Optimizer o) { for (;;) { loss.backward(); var r = o.step(); } }
                void Closure(Tensor loss, optim.Optimizer o) { for (;;) { loss.backward(); o.step(() => loss); } }
                void Switch(Tensor loss, optim.Optimizer o, int k) { for (;;) { loss.backward(); switch (k) { case 1: o.step(); break; } } }
                void Embedded(Tensor loss, optim.Optimizer o, bool k) { for (;;) { loss.backward(); if (k) o.step(); else o.step(); } }
                void Conditional(Tensor loss, optim.Optimizer o, bool k) { for (;;) { loss.backward(); _ = k ? o.step() : null; } }
                void Using(Tensor loss, optim.Optimizer o) { for (;;) { loss.backward(); using (torch.no_grad()) o.step(); } }
                void Nested(Tensor loss, optim.Optimizer o) { for (;;) { loss.backward(); for (;;) { o.step(); } } }
                void Twice(Tensor loss, optim.Optimizer o) { for (;;) { loss.backward(); o.step(); o.step(); } }
                void Cast(Tensor loss, object o) { for (;;) { loss.backward(); ((optim.Optimizer)o).step(); } }
                void Parenthesized(Tensor loss, optim.Optimizer o) { for (;;) { loss.backward(); (o).step(); } }
                optim.Optimizer Field = null!;
                void ThisField(Tensor loss) { for (;;) { loss.backward(); this.Field.step(); } }
                void Recursive(Tensor loss, optim.Optimizer o) { void Go() { loss.backward(); o.step(); Go(); } Go(); }
            }
            """),
        ("modules", """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 2);
                private readonly LSTM rnn = nn.LSTM(4, 4);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => torch.log(F.softmax(fc.call(x), 1));
                public static void Train()
                {
                    var model = new Net();
                    var optimizer = torch.optim.SGD(model.parameters(), 0.5);
                    for (var i = 0; i < 3; i++) { var loss = model.call(torch.randn(2, 4)).sum(); loss.backward(); optimizer.step(); }
                }
            }
            """),
        ("partial and nested types", """
            partial class Outer
            {
                partial class Inner { Tensor A(Tensor x) => torch.log(F.softmax(x, 1)); }
                partial void Hook(Tensor x);
            }
            partial class Outer
            {
                partial class Inner { optim.Optimizer o = null!; void T(Tensor l) { for (;;) { l.backward(); o.step(); } } }
                interface I { Tensor M(Tensor x) => x.softmax(1).log(); static Tensor N(Tensor x) => torch.log(F.softmax(x, 1)); }
                struct S { Tensor M(Tensor x) => x.softmax(1).log(); }
                enum E { A = 1 }
            }
            """),
        ("user types named like TorchSharp", """
            namespace TorchSharp.Mine
            {
                static class torch { public static object log(object o) => o; public static object softmax(object o, int d) => o; }
                class Optimizer { public void step() { } }
                class Loss { public void backward() { } }
                class C
                {
                    object A(object x) => torch.log(torch.softmax(x, 1));
                    void T(Loss loss, Optimizer o) { for (;;) { loss.backward(); o.step(); } }
                }
            }
            """),
        ("preprocessor and trivia", """
            class C
            {
            #if DEBUG
                Tensor A(Tensor x) => torch.log(F.softmax(x, 1));
            #else
                Tensor A(Tensor x) => torch.log(F.softmax(x, 2));
            #endif
                Tensor B(Tensor x) => torch /* c */ . log ( // c
                    F . softmax ( x , 1 ) /* c */ ) ;
            #pragma warning disable CS0168
            #region r
                Tensor D(Tensor x) => x
                    .softmax(1)
                    // comment between
                    .log();
            #endregion
            }
            """),
    };

    public static IReadOnlyList<CorpusSource> All { get; } =
        Sources.Select(s => new CorpusSource("odd: " + s.Name, s.Text.StartsWith("var ", System.StringComparison.Ordinal)
            ? Usings + s.Text
            : Usings + s.Text)).ToList();
}
