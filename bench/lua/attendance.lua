-- Save the attendance of a whole lesson (30 students in one POST), over and over: each thread owns one
-- lesson and alternates between two sets of absences, so every request writes (creates, changes and
-- deletes a few rows and marks the lesson's attendance as taken).
--   wrk -t N -c N … -s attendance.lua URL -- "<Cookie>" <csrftoken> <referer> "lesson|bodyA|bodyB" …
dofile((os.getenv("BENCH_LUA") or "bench/lua/") .. "common.lua")

function init(args)
   bad = 0
   local spec = args[3 + id]
   lesson, body_a, body_b = string.match(spec, "^([^|]*)|([^|]*)|(.*)$")
   path = "/journal/lesson/" .. lesson .. "/attendance/"
   flip = false
   headers = {
      ["Cookie"] = args[1],
      ["X-CSRFToken"] = args[2],
      ["Referer"] = args[3],
      ["X-Requested-With"] = "fetch",
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }
end

function request()
   flip = not flip
   return wrk.format("POST", path, headers, flip and body_a or body_b)
end

function response(status, headers, body)
   if status ~= 200 then
      bad = bad + 1
   end
end
